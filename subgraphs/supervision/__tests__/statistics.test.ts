import { shanghaiDay } from '../../../common/time';
import { RISK_MAP_SQL } from '../store/riskMap';
import { creditCode, id, startSupervision } from './support';
import type { TestSubgraph } from './support';

// The statistics year is last year, complete and in the past, so every figure is fixed; Y0 is
// the year before it (the "last year" of the coverage ratio).
const CURRENT = Number(shanghaiDay().slice(0, 4));
const Y = CURRENT - 1;
const Y0 = Y - 1;
const at = (year: number, mmdd: string, hhmm = '10:00') => `${year}-${mmdd}T${hhmm}:00+08:00`;

const K1 = id(1); // key: HIGH_RISK, MAJOR; inspected twice in Y
const K2 = id(2); // key by its MAJOR risk; inspected once in Y
const K3 = id(3); // key: HIGH_RISK; inspected three times, all in Y0
const O1 = id(4); // ordinary; inspected in Y (at 07:00 on 1 January, Qingdao time) and in Y0
const O2 = id(5); // ordinary; inspected in Y only; on the map box's north edge
const O3 = id(6); // ordinary; inspected two years before Y only
const O4 = id(7); // ordinary; no location, never inspected
const X1 = id(8); // 崂山区: key, inspected twice in Y; must not count for 市北区

const ent = (
  e: string,
  seq: string,
  name: string,
  category: string,
  tier: string,
  district: string,
  lat: number | null,
  lon: number | null,
  risk: string | null,
) =>
  `('${e}', '${creditCode(seq, district)}', '${name}', '${category}', '${tier}', '${district}', '地址', ${lat ?? 'NULL'}, ${lon ?? 'NULL'}, ${risk ? `'${risk}'` : 'NULL'})`;

const insp = (n: number, e: string, when: string) =>
  `('${id(n)}', '${e}', '${when}', 'PLANNED', '{刘洋}', '现场检查', 'COMPLIANT')`;

const hazard = (
  n: number,
  e: string,
  level: string,
  status: string,
  found: string,
  deadline: string,
  closed: string | null,
) =>
  `('${id(n)}', '${e}', '隐患 ${n}', '${level}', '${status}', 'INSPECTION', '刘洋', '${found}', '${deadline}', ${closed ? `'${closed}'` : 'NULL'})`;

const clue = (n: number, district: string, status: string, checked: string) =>
  `('${id(n)}', NULL, '${district}', NULL, 'GAS', '${status}', ${!['RECTIFIED', 'INVALID'].includes(status)}, NULL, '${checked}', '${checked}')`;

const alarm = (n: number, e: string, district: string, kind: string, status: string, raised: string) =>
  `('${id(n)}', '${id(900)}', '${e}', NULL, '${district}', '${kind}', 'HIGH', '${status}', '${raised}', '${raised}')`;

const FIXTURE = `
INSERT INTO supervision.enterprise (id, credit_code, name, category, tier, district_code, address, lat, lon, risk_level) VALUES
  ${[
    ent(K1, '1', '海化化工', 'HAZARDOUS_CHEMICALS', 'HIGH_RISK', '370203', 36.09, 120.38, 'MAJOR'),
    ent(K2, '2', '港务仓储', 'INDUSTRY_AND_TRADE', 'ABOVE_SCALE', '370203', 36.095, 120.385, 'MAJOR'),
    ent(K3, '3', '北岭矿业', 'NON_COAL_MINE', 'HIGH_RISK', '370203', 36.2, 120.4, null),
    ent(O1, '4', '老王饺子馆', 'CATERING', 'SMALL', '370203', 36.085, 120.375, 'GENERAL'),
    ent(O2, '5', '小李五金店', 'SMALL_VENUE', 'SMALL', '370203', 36.1, 120.379, 'LOW'),
    ent(O3, '6', '台东商厦', 'CROWDED_PLACE', 'ABOVE_SCALE', '370203', 36.3, 120.5, 'SIGNIFICANT'),
    ent(O4, '7', '无址小作坊', 'SMALL_VENUE', 'SMALL', '370203', null, null, null),
    ent(X1, '8', '金岭化工', 'HAZARDOUS_CHEMICALS', 'HIGH_RISK', '370212', 36.1, 120.455, 'MAJOR'),
  ].join(',\n  ')};
INSERT INTO supervision.inspection (id, enterprise_id, conducted_at, kind, inspectors, findings, result) VALUES
  ${[
    insp(101, K1, at(Y, '03-01')),
    insp(102, K1, at(Y, '09-01')),
    insp(103, K2, at(Y, '04-01')),
    insp(104, K3, at(Y0, '02-01')),
    insp(105, K3, at(Y0, '06-01')),
    insp(106, K3, at(Y0, '12-31', '23:30')),
    insp(107, O1, at(Y, '01-01', '07:00')), // 31 December of Y0 in UTC: counts for Y in Qingdao
    insp(108, O1, at(Y0, '05-01')),
    insp(109, O2, at(Y, '07-01')),
    insp(110, O3, at(Y0 - 1, '07-01')),
    insp(111, X1, at(Y, '03-01')),
    insp(112, X1, at(Y, '10-01')),
  ].join(',\n  ')};
INSERT INTO supervision.hazard (id, enterprise_id, description, level, status, source, found_by, found_at, deadline, closed_at) VALUES
  ${[
    hazard(201, K1, 'GENERAL', 'REPORTED', at(Y, '02-01'), `${Y}-03-01`, null), // open, overdue
    hazard(202, K1, 'MAJOR', 'RECTIFYING', at(Y, '05-01'), `${CURRENT + 1}-01-01`, null), // open, in time
    hazard(203, O1, 'GENERAL', 'CLOSED', at(Y, '03-01'), `${Y}-03-31`, at(Y, '03-11')), // 10 days
    hazard(204, O2, 'GENERAL', 'CLOSED', at(Y0, '12-01'), `${Y0}-12-31`, at(Y, '01-05')), // found in Y0, 35 days
    hazard(205, K2, 'MAJOR', 'PENDING_VERIFICATION', at(Y, '06-01'), `${Y}-08-01`, null), // open, overdue
    hazard(206, O1, 'GENERAL', 'CLOSED', at(Y, '11-01'), `${Y}-11-30`, at(CURRENT, '01-02')), // closed after Y
    hazard(207, X1, 'GENERAL', 'REPORTED', at(Y, '02-01'), `${Y}-03-01`, null), // other district
    hazard(208, O3, 'MAJOR', 'CLOSED', at(Y, '04-01'), `${Y}-06-01`, at(Y, '04-21', '22:00')), // 20.5 days
  ].join(',\n  ')};
INSERT INTO supervision.clue_projection (clue_id, enterprise_id, district_code, grid_id, category, status, refused, outcome, checked_at, updated_at) VALUES
  ${[
    clue(301, '370203', 'RECTIFIED', at(Y, '03-01')),
    clue(302, '370203', 'RECTIFIED', at(Y, '04-01')),
    clue(303, '370203', 'REFERRED', at(Y, '05-01')),
    clue(304, '370203', 'CLOSED', at(Y, '06-01')),
    clue(305, '370203', 'INVALID', at(Y0, '06-01')),
    clue(306, '370212', 'REFUSED', at(Y, '06-01')),
  ].join(',\n  ')};
INSERT INTO supervision.alarm_projection (alarm_id, device_id, enterprise_id, grid_id, district_code, kind, severity, status, raised_at, changed_at) VALUES
  ${[
    alarm(401, K1, '370203', 'GAS_LEAK', 'ACTIVE', at(Y, '12-01')),
    alarm(402, K1, '370203', 'GAS_LEAK', 'RESOLVED', at(Y, '11-01')),
    alarm(403, O1, '370203', 'SMOKE', 'FALSE_ALARM', at(Y, '10-01')),
    alarm(404, O2, '370203', 'GAS_LEAK', 'DISPATCHED', at(Y, '09-01')),
    alarm(405, O1, '370203', 'SMOKE', 'ACTIVE', at(Y0, '09-01')),
    alarm(406, X1, '370212', 'GAS_LEAK', 'ACTIVE', at(Y, '09-01')),
  ].join(',\n  ')};
`;

const STATS = `query($d: String!, $y: Int!) { districtStatistics(district: $d, year: $y) {
  district year
  keyEnterprises { total inspectedTwice share }
  ordinaryEnterprises { total inspectedThisYear inspectedLastYear shareThisYear shareLastYear ratio }
  hazards { total byLevelAndStatus { level status count } overdueOpen closedInYear averageDaysToRectify }
  cluesByStatus { status count }
  alarmsByKind { kind count active }
} }`;
const MAP = `query($b: BoundingBoxInput!, $limit: Int) { riskMap(bbox: $b, limit: $limit) { geojson count truncated } }`;
const ZHENJIANG = { south: 36.08, west: 120.37, north: 36.1, east: 120.39 };

let app: TestSubgraph;
beforeAll(async () => {
  app = await startSupervision(FIXTURE, ['supervision.enterprise', 'supervision.hazard']);
});
afterAll(() => app?.stop());

const statements = async (query: string, variables: Record<string, unknown>) => {
  const before = app.db.stats.statements;
  await app.data(query, variables);
  return app.db.stats.statements - before;
};

describe('districtStatistics', () => {
  it('answers the hand-computed figures of the fixture', async () => {
    const { districtStatistics } = await app.data(STATS, { d: '370203', y: Y });
    expect(districtStatistics).toEqual({
      district: '370203',
      year: Y,
      // K1 twice, K2 once, K3 only in Y0: 1 of 3.
      keyEnterprises: { total: 3, inspectedTwice: 1, share: 0.3333 },
      // O1 and O2 in Y, O1 alone in Y0 (O3 two years back, O4 never): 2/4 against 1/4.
      ordinaryEnterprises: {
        total: 4,
        inspectedThisYear: 2,
        inspectedLastYear: 1,
        shareThisYear: 0.5,
        shareLastYear: 0.25,
        ratio: 2,
      },
      hazards: {
        // Found in Y: 201, 202, 203, 205, 206, 208 (204 was found in Y0, 207 is 崂山区's).
        total: 6,
        byLevelAndStatus: [
          { level: 'GENERAL', status: 'REPORTED', count: 1 },
          { level: 'GENERAL', status: 'RECTIFYING', count: 0 },
          { level: 'GENERAL', status: 'PENDING_VERIFICATION', count: 0 },
          { level: 'GENERAL', status: 'CLOSED', count: 2 },
          { level: 'MAJOR', status: 'REPORTED', count: 0 },
          { level: 'MAJOR', status: 'RECTIFYING', count: 1 },
          { level: 'MAJOR', status: 'PENDING_VERIFICATION', count: 1 },
          { level: 'MAJOR', status: 'CLOSED', count: 1 },
        ],
        // 201 and 205 are open past their deadlines; 202's is ahead.
        overdueOpen: 2,
        // Closed in Y: 203 (10 days), 204 (35), 208 (20.5): 65.5 / 3 = 21.83.
        closedInYear: 3,
        averageDaysToRectify: 21.83,
      },
      cluesByStatus: [
        { status: 'RECTIFIED', count: 2 },
        { status: 'INVALID', count: 0 },
        { status: 'REFUSED', count: 0 },
        { status: 'REFERRED', count: 1 },
        { status: 'CASE_OPENED', count: 0 },
        { status: 'CLOSED', count: 1 },
      ],
      alarmsByKind: [
        { kind: 'GAS_LEAK', count: 3, active: 2 },
        { kind: 'SMOKE', count: 1, active: 0 },
      ],
    });
  });

  it('counts the year before as its own year, with no ratio when the year before it covered nothing', async () => {
    const { districtStatistics } = await app.data(STATS, { d: '370203', y: Y0 });
    expect(districtStatistics.keyEnterprises).toEqual({ total: 3, inspectedTwice: 1, share: 0.3333 });
    expect(districtStatistics.ordinaryEnterprises).toEqual({
      total: 4,
      inspectedThisYear: 1,
      inspectedLastYear: 1,
      shareThisYear: 0.25,
      shareLastYear: 0.25,
      ratio: 1,
    });
    const earliest = (await app.data(STATS, { d: '370203', y: 2000 })).districtStatistics;
    expect(earliest.ordinaryEnterprises).toEqual({
      total: 4,
      inspectedThisYear: 0,
      inspectedLastYear: 0,
      shareThisYear: 0,
      shareLastYear: 0,
      ratio: null,
    });
    expect(earliest.hazards.averageDaysToRectify).toBeNull();
    expect(earliest.alarmsByKind).toEqual([]);
  });

  it('has no share of nothing in a district without enterprises', async () => {
    const { districtStatistics } = await app.data(STATS, { d: '370285', y: Y });
    expect(districtStatistics.keyEnterprises).toEqual({ total: 0, inspectedTwice: 0, share: null });
    expect(districtStatistics.hazards.total).toBe(0);
  });

  it('refuses an unknown district and a year out of range', async () => {
    await app.expectRefused(STATS, { d: '110101', y: Y }, 'VALIDATION_FAILED', 'district');
    await app.expectRefused(STATS, { d: '370203', y: 1999 }, 'VALIDATION_FAILED', 'year');
    await app.expectRefused(STATS, { d: '370203', y: CURRENT + 2 }, 'VALIDATION_FAILED', 'year');
    expect((await app.gql(STATS, { d: '370203', y: CURRENT + 1 })).errors).toBeUndefined();
  });
});

describe('riskMap', () => {
  const feature = (e: string, name: string, lon: number, lat: number, extra: Record<string, unknown>) => ({
    type: 'Feature',
    id: e,
    geometry: { type: 'Point', coordinates: [lon, lat] },
    properties: { id: e, name, ...extra },
  });

  it('returns the enterprises in the box, most severe first, as a GeoJSON FeatureCollection', async () => {
    const { riskMap } = await app.data(MAP, { b: ZHENJIANG });
    expect(riskMap).toEqual({
      count: 4,
      truncated: false,
      geojson: {
        type: 'FeatureCollection',
        features: [
          feature(K1, '海化化工', 120.38, 36.09, {
            riskLevel: 'MAJOR',
            color: 'RED',
            activeAlarms: 1,
            tier: 'HIGH_RISK',
            category: 'HAZARDOUS_CHEMICALS',
          }),
          feature(K2, '港务仓储', 120.385, 36.095, {
            riskLevel: 'MAJOR',
            color: 'RED',
            activeAlarms: 0,
            tier: 'ABOVE_SCALE',
            category: 'INDUSTRY_AND_TRADE',
          }),
          feature(O1, '老王饺子馆', 120.375, 36.085, {
            riskLevel: 'GENERAL',
            color: 'YELLOW',
            activeAlarms: 1,
            tier: 'SMALL',
            category: 'CATERING',
          }),
          // On the north edge: edges are in the box.
          feature(O2, '小李五金店', 120.379, 36.1, {
            riskLevel: 'LOW',
            color: 'BLUE',
            activeAlarms: 1,
            tier: 'SMALL',
            category: 'SMALL_VENUE',
          }),
        ],
      },
    });
  });

  it('truncates to the most severe when more than `limit` match, in one statement', async () => {
    const { riskMap } = await app.data(MAP, { b: ZHENJIANG, limit: 2 });
    expect(riskMap.count).toBe(2);
    expect(riskMap.truncated).toBe(true);
    expect(riskMap.geojson.features.map((f: { id: string }) => f.id)).toEqual([K1, K2]);
    expect((await app.data(MAP, { b: ZHENJIANG, limit: 4 })).riskMap.truncated).toBe(false);
    expect(await statements(MAP, { b: ZHENJIANG, limit: 2 })).toBe(1);
  });

  it('filters by the box and answers an unassessed enterprise without colour', async () => {
    const box = { south: 36.15, west: 120.3, north: 36.35, east: 120.6 };
    const { riskMap } = await app.data(MAP, { b: box });
    expect(riskMap.geojson.features.map((f: { id: string }) => f.id)).toEqual([O3, K3]);
    expect(riskMap.geojson.features[1].properties).toEqual({
      id: K3,
      name: '北岭矿业',
      riskLevel: null,
      color: null,
      activeAlarms: 0,
      tier: 'HIGH_RISK',
      category: 'NON_COAL_MINE',
    });
    const empty = { south: 36.5, west: 120.0, north: 36.6, east: 120.1 };
    expect((await app.data(MAP, { b: empty })).riskMap).toEqual({
      count: 0,
      truncated: false,
      geojson: { type: 'FeatureCollection', features: [] },
    });
  });

  it('is an index scan of the location index', async () => {
    const plan = await app.db.transaction(async (tx) => {
      await tx.query('SET LOCAL enable_seqscan = off');
      return tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${RISK_MAP_SQL}`, [
        36.08,
        120.37,
        36.1,
        120.39,
        10,
        ['ACTIVE'],
      ]);
    });
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toContain('enterprise_location_idx');
  });

  it('refuses a box that is inverted, outside Qingdao, or a limit out of range', async () => {
    const refuse = (b: Record<string, number>, field: string, limit?: number) =>
      app.expectRefused(MAP, { b, ...(limit === undefined ? {} : { limit }) }, 'VALIDATION_FAILED', field);
    await refuse({ ...ZHENJIANG, north: 36.07 }, 'bbox.north');
    await refuse({ ...ZHENJIANG, south: 36.1 }, 'bbox.north');
    await refuse({ ...ZHENJIANG, east: 120.36 }, 'bbox.east');
    await refuse({ ...ZHENJIANG, west: 116.4 }, 'bbox.west');
    await refuse({ ...ZHENJIANG, north: 39.9 }, 'bbox.north');
    await refuse(ZHENJIANG, 'limit', 0);
    await refuse(ZHENJIANG, 'limit', 10_001);
  });
});

describe('statement count', () => {
  it('stays at five statements for districtStatistics however large the district', async () => {
    const small = await statements(STATS, { d: '370203', y: Y });
    expect(small).toBe(5);
    // Twenty more enterprises, each inspected twice with a hazard: the district grows, the count does not.
    const more = Array.from({ length: 20 }, (_, i) => 1000 + i);
    await app.db.exec(`
      INSERT INTO supervision.enterprise (id, credit_code, name, category, tier, district_code, address, lat, lon, risk_level) VALUES
        ${more.map((n) => ent(id(n), String(n), `企业${n}`, 'HAZARDOUS_CHEMICALS', 'HIGH_RISK', '370203', 36.09, 120.38, 'MAJOR')).join(',\n')};
      INSERT INTO supervision.inspection (id, enterprise_id, conducted_at, kind, inspectors, findings, result) VALUES
        ${more.flatMap((n) => [insp(n + 2000, id(n), at(Y, '03-01')), insp(n + 3000, id(n), at(Y, '08-01'))]).join(',\n')};
      INSERT INTO supervision.hazard (id, enterprise_id, description, level, status, source, found_by, found_at, deadline, closed_at) VALUES
        ${more.map((n) => hazard(n + 4000, id(n), 'GENERAL', 'REPORTED', at(Y, '05-01'), `${Y}-06-01`, null)).join(',\n')};
    `);
    expect(await statements(STATS, { d: '370203', y: Y })).toBe(small);
    const { districtStatistics } = await app.data(STATS, { d: '370203', y: Y });
    expect(districtStatistics.keyEnterprises).toEqual({ total: 23, inspectedTwice: 21, share: 0.913 });
    expect(districtStatistics.hazards.total).toBe(26);
    expect(districtStatistics.hazards.overdueOpen).toBe(22);
  });
});
