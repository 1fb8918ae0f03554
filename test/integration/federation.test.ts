import { SUBGRAPHS } from '../../subgraphs/catalog';
import { codesOf, startTestSystem } from '../harness/system';
import { seededDataset } from '../harness/template';
import type { TestSystem } from '../harness/system';

const dataset = seededDataset();

const PAGE = /* GraphQL */ `
  query Page($first: Int!) {
    enterprises(first: $first, filter: { districtCode: "370203" }) {
      edges {
        node {
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
            history {
              action
            }
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
          patrols {
            patrolledAt
            member {
              name
            }
          }
          devices {
            state
          }
          alarms {
            severity
            status
            raisedAt
            device {
              serial
            }
          }
        }
      }
    }
  }
`;

let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem();
});
afterAll(() => sys.stop());

async function pageWithStatements(
  first: number,
): Promise<{ nodes: any[]; statements: Record<string, number> }> {
  const before = Object.fromEntries(SUBGRAPHS.map(({ name }) => [name, sys.stack.db[name].stats.statements]));
  const res: any = await sys.gql(PAGE, { first });
  expect(res.errors).toBeUndefined();
  expect(res.data.enterprises.edges).toHaveLength(first);
  const statements = Object.fromEntries(
    SUBGRAPHS.map(({ name }) => [name, sys.stack.db[name].stats.statements - before[name]!]),
  );
  return { nodes: res.data.enterprises.edges.map((e: any) => e.node), statements };
}

describe('the N+1 guard', () => {
  it('costs the same statements per subgraph for a short page and a page of 100', async () => {
    const large = await pageWithStatements(100);
    // The shortest prefix of the page in which every nested list is non-empty somewhere, so the
    // short page exercises every loader the long one does.
    const firstWith = (has: (n: any) => boolean) => large.nodes.findIndex(has);
    const needed = [
      firstWith((n) => n.hazards.length > 0),
      firstWith((n) => n.grid?.members.length > 0),
      firstWith((n) => n.patrols.length > 0),
      firstWith((n) => n.alarms.length > 0),
    ];
    expect(Math.min(...needed)).toBeGreaterThanOrEqual(0);
    const short = await pageWithStatements(Math.max(...needed) + 1);
    expect(short.nodes.length).toBeLessThan(100);
    expect(short.statements).toEqual(large.statements);
    expect(large.statements).toEqual({
      // page + risk points + hazards + hazard events + inspections
      supervision: 5,
      // grid by location + members + patrols + patrol members
      grid: 4,
      // devices + alarms + alarm devices
      emergency: 3,
    });
  });
});

describe('alarm handling through the gateway', () => {
  it('acknowledges and resolves an active alarm, and refuses to resolve it twice', async () => {
    const active = dataset.emergency.alarm.find((a) => a.status === 'ACTIVE')!;
    const ack: any = await sys.gql(
      `mutation($id: ID!) { acknowledgeAlarm(input: { alarmId: $id, by: "值班员" }) { status acknowledgedAt enterprise { name } } }`,
      { id: active.id },
    );
    expect(ack.errors).toBeUndefined();
    expect(ack.data.acknowledgeAlarm.status).toBe('ACKNOWLEDGED');
    expect(ack.data.acknowledgeAlarm.enterprise.name).toBe(
      dataset.supervision.enterprise.find((e) => e.id === active.enterprise_id)!.name,
    );
    const resolve = `mutation($id: ID!) { resolveAlarm(input: { alarmId: $id, outcome: FALSE_ALARM, by: "值班员", note: "传感器受油烟干扰" }) { status resolvedAt } }`;
    const done: any = await sys.gql(resolve, { id: active.id });
    expect(done.data.resolveAlarm.status).toBe('FALSE_ALARM');
    expect(codesOf(await sys.gql(resolve, { id: active.id }))).toEqual(['ILLEGAL_TRANSITION']);
  });
});

describe('partial failure', () => {
  it('costs a stopped subgraph only its own fields, with an error naming it', async () => {
    const { showcase } = dataset;
    const query = `query($id: ID!) { enterprise(id: $id) { name riskLevel grid { name } alarms { status } } }`;
    const healthy: any = await sys.gql(query, { id: showcase.enterpriseId });
    expect(healthy.errors).toBeUndefined();

    await sys.stack.servers.emergency.stop();
    const res: any = await sys.gql(query, { id: showcase.enterpriseId });
    expect(res.data.enterprise).toEqual({ ...healthy.data.enterprise, alarms: null });
    expect(res.errors).toHaveLength(1);
    expect(res.errors[0].extensions).toEqual({
      code: 'SUBGRAPH_UNAVAILABLE',
      serviceName: 'emergency',
      requestId: expect.any(String),
    });
    expect(JSON.stringify(res.errors)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|stack/);
  });
});
