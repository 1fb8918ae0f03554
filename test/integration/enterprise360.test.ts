import { startTestSystem } from '../harness/system';
import { seededDataset } from '../harness/template';
import type { TestSystem } from '../harness/system';

const dataset = seededDataset();
const { showcase } = dataset;

const ENTERPRISE_360 = /* GraphQL */ `
  query Enterprise360($id: ID!) {
    enterprise(id: $id) {
      id
      name
      creditCode
      riskLevel
      riskPoints {
        name
        level
      }
      hazards {
        level
        status
        deadline
      }
      inspections {
        conductedAt
        result
      }
      grid {
        name
        members {
          name
        }
      }
      alarms {
        severity
        status
        raisedAt
      }
    }
  }
`;

let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem();
});
afterAll(() => sys.stop());

describe('Enterprise 360 through the gateway', () => {
  it('joins all three platforms for one enterprise', async () => {
    const res = await sys.gql<{ enterprise: Record<string, unknown> }>(ENTERPRISE_360, {
      id: showcase.enterpriseId,
    });
    expect(res.errors).toBeUndefined();
    const e = res.data!.enterprise as Record<string, any>;
    const row = dataset.supervision.enterprise.find((x) => x.id === showcase.enterpriseId)!;
    expect({ id: e.id, name: e.name, creditCode: e.creditCode, riskLevel: e.riskLevel }).toEqual({
      id: row.id,
      name: row.name,
      creditCode: row.credit_code,
      riskLevel: row.risk_level,
    });

    const riskPoints = dataset.supervision.risk_point.filter((r) => r.enterprise_id === row.id);
    expect(e.riskPoints).toHaveLength(riskPoints.length);
    expect(new Set(e.riskPoints.map((r: { name: string }) => r.name))).toEqual(
      new Set(riskPoints.map((r) => r.name)),
    );

    const hazards = dataset.supervision.hazard.filter((h) => h.enterprise_id === row.id);
    expect(e.hazards).toHaveLength(hazards.length);
    expect(e.hazards.map((h: { deadline: string }) => h.deadline).sort()).toEqual(
      hazards.map((h) => h.deadline).sort(),
    );

    const inspections = dataset.supervision.inspection.filter((i) => i.enterprise_id === row.id);
    expect(e.inspections).toHaveLength(inspections.length);
    // Newest first.
    const times = e.inspections.map((i: { conductedAt: string }) => Date.parse(i.conductedAt));
    expect(times).toEqual([...times].sort((a: number, b: number) => b - a));

    const grid = dataset.grid.grid.find((g) => g.id === showcase.gridId)!;
    const memberIds = dataset.grid.assignment.filter((a) => a.grid_id === grid.id).map((a) => a.member_id);
    const memberNames = dataset.grid.member.filter((m) => memberIds.includes(m.id)).map((m) => m.name);
    expect(e.grid.name).toBe(grid.name);
    expect(e.grid.members.map((m: { name: string }) => m.name).sort()).toEqual(memberNames.sort());

    const alarms = dataset.emergency.alarm.filter((a) => a.enterprise_id === row.id);
    expect(e.alarms).toHaveLength(alarms.length);
    expect(e.alarms.map((a: { status: string }) => a.status)).toEqual(
      expect.arrayContaining(['ACTIVE', 'RESOLVED']),
    );
  });

  it('finds the enterprise by credit code, as an entity key too', async () => {
    const res = await sys.gql<{ enterpriseByCreditCode: { id: string; grid: { id: string } } }>(
      `query($c: String!) { enterpriseByCreditCode(creditCode: $c) { id grid { id } } }`,
      { c: showcase.creditCode.toLowerCase() },
    );
    expect(res).toEqual({
      data: { enterpriseByCreditCode: { id: showcase.enterpriseId, grid: { id: showcase.gridId } } },
    });
  });

  it('answers null for an unknown or malformed id, without an error', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      expect(await sys.gql(`query($id: ID!) { enterprise(id: $id) { id } }`, { id })).toEqual({
        data: { enterprise: null },
      });
    }
  });

  it('walks a filtered list page by page with stable cursors and a total', async () => {
    const filter = { districtCode: '370203', tier: 'SMALL' };
    const expected = dataset.supervision.enterprise
      .filter((e) => e.district_code === '370203' && e.tier === 'SMALL')
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1));
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const res: any = await sys.gql(
        `query($f: EnterpriseFilter, $after: String) {
          enterprises(filter: $f, first: 100, after: $after) {
            totalCount edges { cursor node { id districtCode tier } } pageInfo { hasNextPage endCursor } } }`,
        { f: filter, after },
      );
      expect(res.errors).toBeUndefined();
      const conn = res.data.enterprises;
      expect(conn.totalCount).toBe(expected.length);
      seen.push(...conn.edges.map((edge: any) => edge.node.id));
      pages++;
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(pages).toBe(Math.ceil(expected.length / 100));
    // Collation may order Chinese names differently from JavaScript, so compare as sets plus no repeats.
    expect(seen).toHaveLength(expected.length);
    expect(new Set(seen)).toEqual(new Set(expected.map((e) => e.id)));
  });

  it('filters by risk level and by name', async () => {
    const major = dataset.supervision.enterprise.filter((e) => e.risk_level === 'MAJOR');
    const res: any = await sys.gql(`{ enterprises(filter: { riskLevel: MAJOR }, first: 1) { totalCount } }`);
    expect(res.data.enterprises.totalCount).toBe(major.length);

    const showcaseName = dataset.supervision.enterprise.find((e) => e.id === showcase.enterpriseId)!.name;
    const byName: any = await sys.gql(
      `query($n: String) { enterprises(filter: { nameContains: $n }) { edges { node { id } } } }`,
      {
        n: showcaseName,
      },
    );
    expect(byName.data.enterprises.edges.map((e: any) => e.node.id)).toContain(showcase.enterpriseId);
  });

  it('refuses a page size out of range and a forged cursor', async () => {
    const big: any = await sys.gql(`{ enterprises(first: 1000) { totalCount } }`);
    expect(big.errors[0].extensions.code).toBe('VALIDATION_FAILED');
    expect(big.errors[0].extensions.field).toBe('first');
    const forged: any = await sys.gql(`{ enterprises(after: "bm90LWEtY3Vyc29y") { totalCount } }`);
    expect(forged.errors[0].extensions.code).toBe('VALIDATION_FAILED');
    expect(forged.errors[0].extensions.field).toBe('after');
  });
});
