import { shanghaiDay } from '../../../common/time';
import { parseCreditCode } from '../../supervision/domain/creditCode';
import { CITY_TOTALS, generateDataset } from '../generate';
import { JINJIALING, ZHENJIANG_ROAD, parseBox, rectContains } from '../places';
import { LEVEL_RANK, lecLevel, matrixLevel } from '../supervision';
import type { AlarmStatus, Dataset, GridSeed, HazardStatus, RiskLevel } from '../types';

const NOW = new Date('2026-01-15T08:00:00.000Z');
const TODAY = shanghaiDay(NOW);
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const groupBy = <T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> => {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const list = m.get(key(r));
    if (list) list.push(r);
    else m.set(key(r), [r]);
  }
  return m;
};

let ds: Dataset;
beforeAll(() => {
  ds = generateDataset({ scale: 'demo', now: NOW });
});

const sub = () => ds.supervision;
const grids = () => ds.grid;
const em = () => ds.emergency;
const gridById = () => new Map(ds.grid.grid.map((g) => [g.id, g]));
const smallGridsOf = (prefix: string): GridSeed[] =>
  ds.grid.grid.filter((g) => g.level === 'SMALL' && g.code.startsWith(`${prefix}-`));

describe('generateDataset (demo scale)', () => {
  it('is deterministic: the same options give the same rows, ids included', () => {
    const again = generateDataset({ scale: 'demo', now: new Date(NOW) });
    expect(JSON.stringify(again)).toBe(JSON.stringify(ds));
  });

  it('depends on `now` only through its timestamps and dates: ids, codes and names stay put', () => {
    const other = generateDataset({ scale: 'demo', now: new Date('2024-07-03T23:59:59.000Z') });
    const timeless = (d: Dataset) =>
      JSON.stringify(d, (_k, v: unknown) =>
        typeof v === 'string' && /^\d{4}-\d\d-\d\d(T|$)/.test(v) ? 'time' : v,
      );
    expect(timeless(other)).toBe(timeless(ds));
  });

  it('draws unique version-4 UUIDs for every id', () => {
    const ids = [
      ...sub().enterprise,
      ...sub().risk_point,
      ...sub().hazard,
      ...sub().inspection,
      ...grids().grid,
      ...grids().member,
      ...grids().patrol,
      ...em().fire_station,
      ...em().device,
      ...em().alarm,
    ].map((r) => r.id);
    for (const id of ids) expect(id).toMatch(UUID_V4);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('stays small enough to seed embedded PGlite quickly', () => {
    expect(sub().enterprise.length).toBeGreaterThanOrEqual(1000);
    expect(sub().enterprise.length).toBeLessThan(1500);
  });

  it('gives every enterprise a valid, unique credit code of its district', () => {
    const codes = sub().enterprise.map((e) => e.credit_code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const e of sub().enterprise) {
      expect(parseCreditCode(e.credit_code)).toBe(e.credit_code);
      expect(e.credit_code.slice(0, 8)).toBe(`91${e.district_code}`);
      expect(e.registered_at < NOW.toISOString()).toBe(true);
      expect(e.lat).toBeGreaterThanOrEqual(35.6);
      expect(e.lat).toBeLessThanOrEqual(36.9);
      expect(e.lon).toBeGreaterThanOrEqual(119.5);
      expect(e.lon).toBeLessThanOrEqual(121.0);
    }
  });

  it('grades risk points by their bands and sets each enterprise to its highest level', () => {
    for (const r of sub().risk_point) {
      const f = r.factors;
      if (r.method === 'LEC') {
        expect(Object.keys(f).sort()).toEqual(['consequence', 'exposure', 'likelihood']);
        expect(r.score).toBeCloseTo(f.likelihood! * f.exposure! * f.consequence!, 6);
        expect(r.level).toBe(lecLevel(r.score));
      } else {
        expect(Object.keys(f).sort()).toEqual(['likelihood', 'severity']);
        expect(r.score).toBe(f.likelihood! * f.severity!);
        expect(r.level).toBe(matrixLevel(r.score));
      }
      expect(r.control_measures.length).toBeGreaterThanOrEqual(1);
      expect(r.control_measures.length).toBeLessThanOrEqual(3);
    }
    const byEnterprise = groupBy(sub().risk_point, (r) => r.enterprise_id);
    for (const e of sub().enterprise) {
      const points = byEnterprise.get(e.id) ?? [];
      const max = points.reduce<RiskLevel | null>(
        (best, r) => (best === null || LEVEL_RANK[r.level] > LEVEL_RANK[best] ? r.level : best),
        null,
      );
      expect(e.risk_level).toBe(max);
      const [min, most] = e.tier === 'HIGH_RISK' ? [3, 6] : e.tier === 'ABOVE_SCALE' ? [2, 4] : [0, 3];
      expect(points.length).toBeGreaterThanOrEqual(min);
      expect(points.length).toBeLessThanOrEqual(most);
    }
    expect(sub().enterprise.some((e) => e.risk_level === null)).toBe(true);
    expect(new Set(sub().risk_point.map((r) => r.level))).toEqual(
      new Set(['MAJOR', 'SIGNIFICANT', 'GENERAL', 'LOW']),
    );
  });

  it('has hazards in every status, level and source, some overdue, each with a consistent trail', () => {
    const hazards = sub().hazard;
    expect(new Set(hazards.map((h) => h.status))).toEqual(
      new Set(['REPORTED', 'RECTIFYING', 'PENDING_VERIFICATION', 'CLOSED']),
    );
    expect(new Set(hazards.map((h) => h.level))).toEqual(new Set(['GENERAL', 'MAJOR']));
    expect(new Set(hazards.map((h) => h.source))).toEqual(
      new Set(['SELF_CHECK', 'SERVICE_AGENCY', 'GRID_PATROL', 'INSPECTION']),
    );
    expect(hazards.filter((h) => h.status !== 'CLOSED' && h.deadline < TODAY).length).toBeGreaterThan(10);
    expect(hazards.filter((h) => h.status !== 'CLOSED' && h.deadline >= TODAY).length).toBeGreaterThan(10);

    const events = groupBy(sub().hazard_event, (e) => e.hazard_id);
    expect(events.size).toBe(hazards.length);
    for (const h of hazards) {
      expect(h.closed_at !== null).toBe(h.status === 'CLOSED');
      if (h.level === 'MAJOR' && h.status !== 'REPORTED') {
        expect(h.plan).toEqual({
          measures: expect.any(String),
          funds: expect.any(Number),
          deadline: h.deadline,
          responsiblePerson: expect.any(String),
        });
      } else {
        expect(h.plan).toBeNull();
      }
      const trail = events.get(h.id)!;
      expect(trail[0]).toMatchObject({
        action: 'REPORT',
        from_status: null,
        to_status: 'REPORTED',
        at: h.found_at,
      });
      let from: HazardStatus | null = null;
      let at = '';
      for (const e of trail) {
        expect(e.from_status).toBe(from);
        expect(e.at > at).toBe(true);
        expect(e.at < NOW.toISOString()).toBe(true);
        from = e.to_status;
        at = e.at;
      }
      expect(from).toBe(h.status);
      if (h.status === 'CLOSED') expect(h.closed_at).toBe(at);
    }
    expect(sub().hazard_event.some((e) => e.action === 'FAIL_VERIFICATION')).toBe(true);
  });

  it('inspects high-risk enterprises more, but not all of them twice a year', () => {
    const lastYear = new Date(NOW.getTime() - 365 * 86_400_000).toISOString();
    const byEnterprise = groupBy(
      sub().inspection.filter((i) => i.conducted_at >= lastYear),
      (i) => i.enterprise_id,
    );
    const highRisk = sub().enterprise.filter((e) => e.tier === 'HIGH_RISK');
    const twice = highRisk.filter((e) => (byEnterprise.get(e.id)?.length ?? 0) >= 2).length;
    expect(twice).toBeGreaterThan(highRisk.length / 2);
    expect(twice).toBeLessThan(highRisk.length);
    const twoYearsAgo = new Date(NOW.getTime() - 730 * 86_400_000).toISOString();
    for (const i of sub().inspection) {
      expect(i.conducted_at > twoYearsAgo && i.conducted_at < NOW.toISOString()).toBe(true);
      expect(i.inspectors.length).toBeGreaterThanOrEqual(1);
      expect(i.inspectors.length).toBeLessThanOrEqual(3);
    }
    expect(new Set(sub().inspection.map((i) => i.kind))).toEqual(
      new Set(['PLANNED', 'RANDOM', 'COMPLAINT', 'CLUE', 'REVIEW']),
    );
  });

  it('builds the area tree: 10 districts, 5 Zhenjiang Road and 28 Jinjialing communities', () => {
    const areas = grids().admin_area;
    expect(areas.filter((a) => a.level === 'CITY')).toEqual([
      { code: '3702', name: '青岛市', level: 'CITY', parent_code: null },
    ]);
    expect(areas.filter((a) => a.level === 'DISTRICT').map((a) => a.code)).toEqual([
      '370202',
      '370203',
      '370211',
      '370212',
      '370213',
      '370214',
      '370215',
      '370281',
      '370283',
      '370285',
    ]);
    const communities = (parent: string) => areas.filter((a) => a.parent_code === parent);
    expect(communities(ZHENJIANG_ROAD.code)).toHaveLength(5);
    expect(communities(JINJIALING.code)).toHaveLength(28);
    for (const c of communities(JINJIALING.code)) expect(c.code).toMatch(/^370212004\d{3}$/);
    const codes = new Set(areas.map((a) => a.code));
    for (const a of areas) if (a.parent_code) expect(codes.has(a.parent_code)).toBe(true);
  });

  it('tiles Zhenjiang Road into 5 large and 53 small grids, Jinjialing into 28 large and 56 small', () => {
    const byId = gridById();
    const large = (prefix: string) =>
      grids().grid.filter((g) => g.level === 'LARGE' && g.code.startsWith(prefix));
    expect(large('SB-ZJL')).toHaveLength(5);
    expect(smallGridsOf('SB-ZJL')).toHaveLength(53);
    expect(large('LS-JJL')).toHaveLength(28);
    expect(smallGridsOf('LS-JJL')).toHaveLength(56);
    for (const g of grids().grid.filter((x) => x.level === 'SMALL')) {
      const parent = byId.get(g.parent_id!)!;
      const p = parseBox(parent.bounds);
      const b = parseBox(g.bounds);
      expect(
        b.minLon >= p.minLon && b.maxLon <= p.maxLon && b.minLat >= p.minLat && b.maxLat <= p.maxLat,
      ).toBe(true);
      expect(g.code.startsWith(`${parent.code}-`)).toBe(true);
    }
    // The Zhenjiang Road tiling covers about one square kilometre.
    const zjl = ZHENJIANG_ROAD.area;
    const km2 =
      (zjl.maxLat - zjl.minLat) *
      111 *
      ((zjl.maxLon - zjl.minLon) * 111 * Math.cos((36.089 * Math.PI) / 180));
    expect(km2).toBeGreaterThan(0.8);
    expect(km2).toBeLessThan(1.1);
  });

  it('staffs every small grid: 53 grid members and 56 safety officers', () => {
    const members = grids().member;
    expect(members.filter((m) => m.role === 'GRID_MEMBER')).toHaveLength(53);
    expect(members.filter((m) => m.role === 'SAFETY_OFFICER')).toHaveLength(56);
    for (const m of members) expect(m.phone).toMatch(/^1\d{10}$/);
    const assigned = new Set(grids().assignment.map((a) => a.grid_id));
    for (const g of grids().grid.filter((x) => x.level === 'SMALL')) expect(assigned.has(g.id)).toBe(true);
  });

  it('places every enterprise of the two subdistricts inside exactly one small grid: its own', () => {
    const byId = gridById();
    const small = [...smallGridsOf('SB-ZJL'), ...smallGridsOf('LS-JJL')].map((g) => ({
      g,
      box: parseBox(g.bounds),
    }));
    const placed = Object.entries(ds.enterpriseGrid);
    const enterprises = new Map(sub().enterprise.map((e) => [e.id, e]));
    const zjl = placed.filter(([, g]) => byId.get(g)!.code.startsWith('SB-ZJL'));
    expect(zjl.length).toBeGreaterThanOrEqual(700);
    expect(placed.length - zjl.length).toBe(300);
    for (const [enterpriseId, gridId] of placed) {
      const e = enterprises.get(enterpriseId)!;
      const holders = small.filter(({ box }) => rectContains(box, e.lat!, e.lon!)).map(({ g }) => g.id);
      expect(holders).toEqual([gridId]);
    }
    // Enterprises elsewhere stay outside both subdistricts.
    for (const e of sub().enterprise.filter((x) => !(x.id in ds.enterpriseGrid))) {
      expect(
        rectContains(ZHENJIANG_ROAD.area, e.lat!, e.lon!) || rectContains(JINJIALING.area, e.lat!, e.lon!),
      ).toBe(false);
    }
  });

  it('records recent patrols by members assigned to the enterprise grid', () => {
    const assigned = new Set(grids().assignment.map((a) => `${a.member_id}/${a.grid_id}`));
    const monthAgo = new Date(NOW.getTime() - 30 * 86_400_000).toISOString();
    for (const p of grids().patrol) {
      expect(ds.enterpriseGrid[p.enterprise_id]).toBe(p.grid_id);
      expect(assigned.has(`${p.member_id}/${p.grid_id}`)).toBe(true);
      expect(p.patrolled_at > monthAgo && p.patrolled_at < NOW.toISOString()).toBe(true);
    }
  });

  it('has the four Jinjialing micro fire stations and one in Zhenjiang Road', () => {
    const micro = em().fire_station.filter((s) => s.kind === 'MICRO');
    expect(micro.filter((s) => s.address.includes('金家岭')).map((s) => s.name)).toEqual([
      '王家村微型消防站',
      '麦岛家园微型消防站',
      '埠东微型消防站',
      '梅岭西路微型消防站',
    ]);
    expect(micro.filter((s) => s.address.includes('镇江路'))).toHaveLength(1);
    for (const s of micro) {
      expect(s.crew_size).toBeGreaterThanOrEqual(6);
      expect(s.crew_size).toBeLessThanOrEqual(8);
      expect(s.on_duty).toBe(true);
    }
    expect(em().fire_station.filter((s) => s.kind === 'PROFESSIONAL').length).toBeGreaterThanOrEqual(3);
  });

  it('fits a gas detector in every Zhenjiang Road restaurant, in the enterprise grid', () => {
    const gasOwners = new Set(
      em()
        .device.filter((d) => d.kind === 'GAS')
        .map((d) => d.enterprise_id),
    );
    const restaurants = sub().enterprise.filter(
      (e) =>
        e.category === 'CATERING' &&
        gridById()
          .get(ds.enterpriseGrid[e.id] ?? '')
          ?.code.startsWith('SB-ZJL'),
    );
    expect(restaurants.length).toBeGreaterThan(300);
    for (const e of restaurants) expect(gasOwners.has(e.id)).toBe(true);
    expect(em().device.find((d) => d.kind === 'GAS')!.serial).toBe('GAS-370203-0001');
    expect(new Set(em().device.map((d) => d.serial)).size).toBe(em().device.length);
    for (const d of em().device) {
      expect(d.grid_id).toBe(ds.enterpriseGrid[d.enterprise_id]);
      expect(d.last_unit).toBe({ GAS: '%LEL', SMOKE: 'dB/m', TEMPERATURE: '°C' }[d.kind]);
      if (d.kind === 'GAS' && d.state === 'LEVEL1_ALARM') expect(d.last_value).toBeGreaterThanOrEqual(25);
      if (d.kind === 'GAS' && d.state === 'LEVEL2_ALARM') expect(d.last_value).toBeGreaterThanOrEqual(50);
      if (d.kind === 'GAS' && d.state === 'NORMAL') expect(d.last_value).toBeLessThan(25);
    }
    const states = new Set(em().device.map((d) => d.state));
    for (const s of ['NORMAL', 'LEVEL1_ALARM', 'LEVEL2_ALARM', 'FAULT', 'OFFLINE'])
      expect(states.has(s as never)).toBe(true);
  });

  it('has alarms in every status with the timestamps, stations and trail each status implies', () => {
    const alarms = em().alarm;
    expect(new Set(alarms.map((a) => a.status))).toEqual(
      new Set(['ACTIVE', 'ACKNOWLEDGED', 'DISPATCHED', 'ON_SITE', 'RESOLVED', 'FALSE_ALARM']),
    );
    const byId = gridById();
    const active = alarms.filter((a) => a.status === 'ACTIVE');
    expect(
      active.filter((a) => byId.get(a.grid_id!)!.code.startsWith('SB-ZJL')).length,
    ).toBeGreaterThanOrEqual(3);
    expect(
      active.filter((a) => byId.get(a.grid_id!)!.code.startsWith('LS-JJL')).length,
    ).toBeGreaterThanOrEqual(2);

    const devices = new Map(em().device.map((d) => [d.id, d]));
    const trail = groupBy(em().alarm_event, (e) => e.alarm_id);
    const order: AlarmStatus[] = ['ACTIVE', 'ACKNOWLEDGED', 'DISPATCHED', 'ON_SITE'];
    for (const a of alarms) {
      const d = devices.get(a.device_id)!;
      expect([a.enterprise_id, a.grid_id, a.lat, a.lon]).toEqual([d.enterprise_id, d.grid_id, d.lat, d.lon]);
      expect(a.kind).toBe({ GAS: 'GAS_LEAK', SMOKE: 'SMOKE', TEMPERATURE: 'HIGH_TEMPERATURE' }[d.kind]);
      if (a.kind === 'GAS_LEAK') {
        expect(a.reading_value).toBeGreaterThanOrEqual(25);
        expect(a.severity).toBe(a.reading_value >= 50 ? 'HIGH' : 'MEDIUM');
      }
      if (a.kind === 'SMOKE') expect(a.severity).toBe('HIGH');
      if (a.kind === 'HIGH_TEMPERATURE') expect(a.severity).toBe('MEDIUM');
      const closed = a.status === 'RESOLVED' || a.status === 'FALSE_ALARM';
      const reached = closed ? order.length : order.indexOf(a.status) + 1;
      expect(a.acknowledged_at !== null).toBe(reached >= 2);
      if (!closed) {
        expect(a.dispatched_at !== null).toBe(reached >= 3);
        expect(a.on_site_at !== null).toBe(reached >= 4);
        expect(['LEVEL1_ALARM', 'LEVEL2_ALARM']).toContain(d.state);
      }
      expect(a.resolved_at !== null).toBe(closed);
      if (['DISPATCHED', 'ON_SITE', 'RESOLVED'].includes(a.status)) expect(a.fire_station_id).not.toBeNull();
      expect(a.fire_station_id !== null).toBe(a.dispatched_at !== null);
      const stamps = [a.raised_at, a.acknowledged_at, a.dispatched_at, a.on_site_at, a.resolved_at].filter(
        (t): t is string => t !== null,
      );
      expect([...stamps].sort()).toEqual(stamps);
      expect(stamps.every((t) => t < NOW.toISOString())).toBe(true);

      const steps = trail.get(a.id)!;
      expect(steps.map((s) => s.at)).toEqual(stamps);
      expect(steps[0]!.from_status).toBeNull();
      for (let i = 1; i < steps.length; i++) expect(steps[i]!.from_status).toBe(steps[i - 1]!.to_status);
      expect(steps[steps.length - 1]!.to_status).toBe(a.status);
    }
    // At most one open alarm per device.
    const open = alarms.filter((a) => a.status !== 'RESOLVED' && a.status !== 'FALSE_ALARM');
    expect(new Set(open.map((a) => a.device_id)).size).toBe(open.length);
  });

  it('records the district and the open episode of every device and alarm', () => {
    const district = new Map(sub().enterprise.map((e) => [e.id, e.district_code]));
    const devices = new Map(em().device.map((d) => [d.id, d]));
    for (const d of em().device) expect(d.district_code).toBe(district.get(d.enterprise_id));
    const openByDevice = new Map<string, string>();
    for (const a of em().alarm) {
      expect(a.district_code).toBe(devices.get(a.device_id)!.district_code);
      const open = a.status !== 'RESOLVED' && a.status !== 'FALSE_ALARM';
      expect(a.cleared_at).toBe(open ? null : a.resolved_at);
      if (open) openByDevice.set(a.device_id, a.id);
    }
    for (const d of em().device) {
      expect(d.episode_alarm_id).toBe(openByDevice.get(d.id) ?? null);
      expect(d.episode_alarm_id !== null).toBe(d.state === 'LEVEL1_ALARM' || d.state === 'LEVEL2_ALARM');
    }
  });

  it('guarantees the showcase enterprise everything the Enterprise 360 query shows', () => {
    const { enterpriseId, creditCode, districtCode, gridId } = ds.showcase;
    const e = sub().enterprise.find((x) => x.id === enterpriseId)!;
    expect(e).toMatchObject({ credit_code: creditCode, district_code: '370203', category: 'CATERING' });
    expect(districtCode).toBe('370203');
    expect(ds.enterpriseGrid[enterpriseId]).toBe(gridId);
    expect(gridById().get(gridId)!.code).toMatch(/^SB-ZJL-\d{2}-\d{2}$/);
    const mine = <T extends { enterprise_id: string }>(rows: readonly T[]) =>
      rows.filter((r) => r.enterprise_id === enterpriseId);
    expect(mine(sub().risk_point).length).toBeGreaterThanOrEqual(2);
    const hazards = mine(sub().hazard);
    expect(hazards.length).toBeGreaterThanOrEqual(2);
    expect(hazards.some((h) => h.status !== 'CLOSED')).toBe(true);
    expect(mine(sub().inspection).length).toBeGreaterThanOrEqual(1);
    expect(grids().assignment.filter((a) => a.grid_id === gridId).length).toBeGreaterThanOrEqual(1);
    expect(mine(grids().patrol).length).toBeGreaterThanOrEqual(1);
    expect(mine(em().device).filter((d) => d.kind === 'GAS')).toHaveLength(1);
    const statuses = mine(em().alarm).map((a) => a.status);
    expect(statuses).toContain('ACTIVE');
    expect(statuses).toContain('RESOLVED');
  });
});

describe('generateDataset (city scale)', () => {
  it('adds enterprises up to the city totals, keeping the demo content as it is', () => {
    const city = generateDataset({ scale: 'city', now: NOW });
    const tiers = groupBy(city.supervision.enterprise, (e) => e.tier);
    expect(tiers.get('HIGH_RISK')!.length).toBe(CITY_TOTALS.HIGH_RISK);
    expect(tiers.get('ABOVE_SCALE')!.length).toBe(CITY_TOTALS.ABOVE_SCALE);
    expect(tiers.get('SMALL')!.length).toBe(CITY_TOTALS.SMALL);
    expect(new Set(city.supervision.enterprise.map((e) => e.district_code)).size).toBe(10);
    expect(JSON.stringify(city.supervision.enterprise.slice(0, ds.supervision.enterprise.length))).toBe(
      JSON.stringify(ds.supervision.enterprise),
    );
    expect(JSON.stringify(city.grid)).toBe(JSON.stringify(ds.grid));
    expect(city.showcase).toEqual(ds.showcase);
    const codes = new Set(city.supervision.enterprise.map((e) => e.credit_code));
    expect(codes.size).toBe(city.supervision.enterprise.length);
    const rows = Object.values(city.supervision)
      .concat(Object.values(city.grid), Object.values(city.emergency))
      .reduce((n, t: unknown[]) => n + t.length, 0);
    expect(rows).toBeLessThan(1_000_000);
    const devices = city.emergency.device.length - ds.emergency.device.length;
    expect(
      devices / (CITY_TOTALS.SMALL - tiers.get('SMALL')!.filter((e) => e.id in ds.enterpriseGrid).length),
    ).toBeCloseTo(0.1, 1);
  });
});
