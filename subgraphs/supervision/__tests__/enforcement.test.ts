import { tableDigests } from '../../../test/harness/digest';
import type { Db, DbEngine } from '../../../common/db';
import type { StreamEntry } from '../../../common/events/types';
import type { SubgraphServer } from '../../../common/http/subgraphServer';
import { createLogger } from '../../../common/logger';
import { addDays, shanghaiDay } from '../../../common/time';
import { openTestEngine } from '../../../test/harness/database';
import { migrateSubgraph } from '../../database';
import { loadSupervisionConfig } from '../config';
import { SUBGRAPH_TEST_ENV, callerHeaders } from '../../../test/harness/auth';
import { creditCodeCheckChar } from '../domain/creditCode';
import { applyOnce, deliver } from '../../../common/events';
import { handlers } from '../events/handlers';
import { createSupervisionServer } from '../server';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const E1 = id(1); // 市北区 restaurant, GENERAL risk, inspected 100 days ago, one overdue hazard
const E2 = id(2); // 市北区 chemical plant, MAJOR risk, inspected an hour ago (once this year), a MAJOR hazard
const E3 = id(3); // 崂山区 office building
const E4 = id(4); // 市北区 shop, never inspected, nothing open
const H1 = id(11);
const H2 = id(12);
const H3 = id(13);
const CLUE = id(21);
const ALARM = (n: number) => id(30 + n);

const NOW = new Date();
const TODAY = shanghaiDay(NOW);
const YEAR = Number(TODAY.slice(0, 4));
const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY - 3600_000).toISOString();
const code = (seq: string) => {
  const first17 = `91370203${seq.padStart(9, '0')}`;
  return first17 + creditCodeCheckChar(first17);
};

const FIXTURE = `
INSERT INTO supervision.enterprise (id, credit_code, name, category, tier, district_code, address, lat, lon, risk_level) VALUES
  ('${E1}', '${code('1')}', '老王饺子馆', 'CATERING', 'SMALL', '370203', '镇江路 1 号', 36.089, 120.378, 'GENERAL'),
  ('${E2}', '${code('2')}', '青岛海化化工有限公司', 'HAZARDOUS_CHEMICALS', 'HIGH_RISK', '370203', '四流南路 8 号', 36.11, 120.37, 'MAJOR'),
  ('${E3}', '${code('3')}', '金岭商务大厦', 'OFFICE_BUILDING', 'ABOVE_SCALE', '370212', '海尔路 1 号', 36.1, 120.455, NULL),
  ('${E4}', '${code('4')}', '小李五金店', 'SMALL_VENUE', 'SMALL', '370203', '镇江路 9 号', 36.088, 120.379, 'LOW');
INSERT INTO supervision.hazard (id, enterprise_id, description, level, status, source, found_by, found_at, deadline, closed_at) VALUES
  ('${H1}', '${E1}', '液化气瓶未固定', 'GENERAL', 'RECTIFYING', 'GRID_PATROL', '张伟', '${ago(40)}', '${addDays(TODAY, -10)}', NULL),
  ('${H2}', '${E2}', '储罐区可燃气体报警器失效', 'MAJOR', 'REPORTED', 'INSPECTION', '刘洋', '${ago(5)}', '${addDays(TODAY, 60)}', NULL),
  ('${H3}', '${E1}', '灭火器过期', 'GENERAL', 'CLOSED', 'SELF_CHECK', '王芳', '${ago(90)}', '${addDays(TODAY, -60)}', '${ago(70)}');
INSERT INTO supervision.inspection (id, enterprise_id, conducted_at, kind, inspectors, findings, result) VALUES
  ('${id(41)}', '${E1}', '${ago(100)}', 'RANDOM', '{刘洋,陈静}', '燃气管道老化', 'RECTIFICATION_ORDERED'),
  ('${id(42)}', '${E2}', '${ago(0)}', 'PLANNED', '{刘洋,陈静}', '现场检查', 'COMPLIANT');
`;

let engine: DbEngine;
let db: Db;
let server: SubgraphServer;
let url: string;

interface Res {
  data?: Record<string, any> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}
async function gql(query: string, variables: Record<string, unknown> = {}): Promise<Res> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...callerHeaders() },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as Res;
}
async function data(query: string, variables: Record<string, unknown> = {}) {
  const res = await gql(query, variables);
  expect(res.errors).toBeUndefined();
  return res.data!;
}

beforeAll(async () => {
  engine = await openTestEngine();
  db = engine.handle();
  await migrateSubgraph('supervision', db);
  await db.exec(FIXTURE);
  server = await createSupervisionServer(loadSupervisionConfig({ ...SUBGRAPH_TEST_ENV }), {
    db,
    logger: createLogger('supervision', 'silent'),
  });
  url = await server.listen(0);
});
afterAll(async () => {
  await server?.stop();
  await engine?.close();
});

const TABLES = [
  'supervision.enforcement_task',
  'supervision.enforcement_decision',
  'supervision.inspection',
  'supervision.hazard',
  'supervision.hazard_event',
  'supervision.outbox',
  'supervision.clue_projection',
];
const snapshot = () => tableDigests(db, TABLES);
async function expectRefused(
  query: string,
  variables: Record<string, unknown>,
  code: string,
  field?: string,
) {
  const before = await snapshot();
  const res = await gql(query, variables);
  expect((res.errors ?? []).map((e) => e.extensions?.code)).toEqual([code]);
  if (field) expect(res.errors![0]!.extensions!.field).toBe(field);
  expect(await snapshot()).toEqual(before);
}

const entry = (outboxId: string, type: string, payload: Record<string, unknown>): StreamEntry => ({
  id: `1700000000000-${outboxId}`,
  type,
  outboxId,
  at: NOW.toISOString(),
  payload,
});

const QUEUE = `query($d: String!, $first: Int) { enforcementQueue(district: $d, first: $first) {
  id kind status priority reason sourceRefs enterprise { id } factors { riskLevel overdueDays refusals recentAlarms daysSinceInspection }
} }`;
const short = (t: { id: string; priority: number }) => [t.id, t.priority];
const queue = async (d = '370203') => (await data(QUEUE, { d, first: 50 })).enforcementQueue as any[];

const referred = {
  clueId: CLUE,
  enterpriseId: E4,
  districtCode: '370203',
  gridId: id(99),
  category: 'GAS',
  text: '液化气瓶放置在地下室',
  explanation: '店主拒绝搬离',
  reason: '拒不整改',
  referredBy: '张伟',
  referredAt: ago(0),
};

describe('enforcement queue', () => {
  it('derives candidates from current state and ranks them by the documented formula', async () => {
    const q = await queue();
    // HAZARD:H2 = 40 (MAJOR) + 0 (its deadline is ahead) + 0 (inspected today) = 40;
    // INSPECTION:E2 = 40 likewise (once this year; tie → id order);
    // HAZARD:H1 = 10 (GENERAL) + 0.5×10 (overdue) + 20×100/365 (last inspection) = 20.5.
    expect(q.map(short)).toEqual([
      [`HAZARD:${H2}`, 40],
      [`INSPECTION:${E2}:${YEAR}:1`, 40],
      [`HAZARD:${H1}`, 20.5],
    ]);
    expect(q[2]).toEqual({
      id: `HAZARD:${H1}`,
      kind: 'HAZARD',
      status: 'OPEN',
      priority: 20.5,
      reason: `隐患逾期未整改：液化气瓶未固定（整改期限 ${addDays(TODAY, -10)}）`,
      sourceRefs: [H1],
      enterprise: { id: E1 },
      factors: {
        riskLevel: 'GENERAL',
        overdueDays: 10,
        refusals: 0,
        recentAlarms: 0,
        daysSinceInspection: 100,
      },
    });
    expect(await queue('370212')).toEqual([]);
    expect((await data(QUEUE, { d: '370203', first: 1 })).enforcementQueue).toHaveLength(1);
  });

  it('refuses an unknown district and a page size out of range', async () => {
    await expectRefused(QUEUE, { d: '110101' }, 'VALIDATION_FAILED', 'district');
    await expectRefused(QUEUE, { d: '370203', first: 0 }, 'VALIDATION_FAILED', 'first');
  });

  it('turns a referred clue into one task at the top, however often it is delivered', async () => {
    expect(
      await applyOnce(
        db,
        'supervision',
        'clues',
        entry('g-1', 'ClueReferred', referred),
        handlers.clues!.ClueReferred!,
      ),
    ).toBe(true);
    expect(
      await applyOnce(
        db,
        'supervision',
        'clues',
        entry('g-1', 'ClueReferred', referred),
        handlers.clues!.ClueReferred!,
      ),
    ).toBe(false);
    // A redelivery under another outbox id (a producer retry) is still one task: the id is its source.
    await db.transaction((tx) => handlers.clues!.ClueReferred!(tx, entry('g-2', 'ClueReferred', referred)));
    const [n] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM supervision.enforcement_task`);
    expect(n!.n).toBe(1);
    const q = await queue();
    // 0 (LOW) + 50 (one refusal) + 20 (never inspected) = 70
    expect(q.map(short)).toEqual([
      [`CLUE:${CLUE}`, 70],
      [`HAZARD:${H2}`, 40],
      [`INSPECTION:${E2}:${YEAR}:1`, 40],
      [`HAZARD:${H1}`, 20.5],
    ]);
    expect(q[0]).toMatchObject({
      kind: 'CLUE',
      reason: '网格线索拒不整改，提请执法：液化气瓶放置在地下室（拒不整改）',
      sourceRefs: [CLUE],
    });
  });

  it('adds repeated alarms from the alarm projection; an older update never overwrites a newer one', async () => {
    const alarm = (n: number, status: string, changedAt: string) => ({
      alarmId: ALARM(n),
      deviceId: id(50),
      enterpriseId: E1,
      gridId: null,
      districtCode: '370203',
      kind: 'GAS_LEAK',
      severity: 'HIGH',
      status,
      raisedAt: ago(2 - n),
      changedAt,
    });
    await deliver(
      db,
      'supervision',
      handlers,
      'alarms',
      entry('e-1', 'AlarmRaised', alarm(1, 'ACTIVE', ago(1))),
    );
    await deliver(
      db,
      'supervision',
      handlers,
      'alarms',
      entry('e-2', 'AlarmRaised', alarm(2, 'ACTIVE', ago(0))),
    );
    await deliver(
      db,
      'supervision',
      handlers,
      'alarms',
      entry('e-3', 'AlarmUpdated', alarm(1, 'RESOLVED', ago(0))),
    );
    await deliver(
      db,
      'supervision',
      handlers,
      'alarms',
      entry('e-4', 'AlarmUpdated', alarm(1, 'ACKNOWLEDGED', ago(1))),
    );
    expect(
      await db.query(`SELECT alarm_id, status FROM supervision.alarm_projection ORDER BY alarm_id`),
    ).toEqual([
      { alarm_id: ALARM(1), status: 'RESOLVED' },
      { alarm_id: ALARM(2), status: 'ACTIVE' },
    ]);
    const q = await queue();
    // E1 = 10 + 0.5×10 + 5×2 + 20×100/365 = 30.5 for both of its tasks; tie → id order.
    expect(q.map(short)).toEqual([
      [`CLUE:${CLUE}`, 70],
      [`HAZARD:${H2}`, 40],
      [`INSPECTION:${E2}:${YEAR}:1`, 40],
      [`ALARMS:${E1}:${ALARM(2)}`, 30.5],
      [`HAZARD:${H1}`, 30.5],
    ]);
  });
});

const TAKE = `mutation($input: TakeEnforcementTaskInput!) { takeEnforcementTask(input: $input) { id status takenBy priority } }`;
const INSPECT = `mutation($input: RecordInspectionInput!) { recordInspection(input: $input) { id task { id status } } }`;
const DECIDE = `mutation($input: EnforcementDecisionInput!) { issueEnforcementDecision(input: $input) {
  kind legalBasis legalBasisText amount caseNumber decidedBy task { id status closedAt decision { caseNumber } }
} }`;
const inspection = (over: Record<string, unknown> = {}) => ({
  enterpriseId: E4,
  conductedAt: NOW.toISOString(),
  kind: 'CLUE',
  inspectors: ['刘洋', '陈静'],
  findings: '液化气瓶仍在地下室',
  result: 'PENALTY',
  taskId: `CLUE:${CLUE}`,
  ...over,
});
const penalty = (over: Record<string, unknown> = {}) => ({
  taskId: `CLUE:${CLUE}`,
  kind: 'PENALTY_DECISION',
  legalBasis: 'WSL_2021_ART_102',
  amount: 20000,
  caseNumber: `青市北应急罚〔${YEAR}〕7号`,
  content: '责令立即整改并处罚款',
  decidedBy: '刘洋',
  ...over,
});

describe('taking a task and deciding it', () => {
  it('refuses decisions and linked inspections before the task is taken', async () => {
    await expectRefused(INSPECT, { input: inspection() }, 'PRECONDITION_FAILED', 'input.taskId');
    await expectRefused(DECIDE, { input: penalty() }, 'ILLEGAL_TRANSITION');
  });

  it('takes a referred clue’s task and announces the case opened', async () => {
    const d = await data(TAKE, { input: { taskId: `CLUE:${CLUE}`, officer: '刘洋' } });
    expect(d.takeEnforcementTask).toEqual({
      id: `CLUE:${CLUE}`,
      status: 'TAKEN',
      takenBy: '刘洋',
      priority: 70,
    });
    expect(
      await db.query(`SELECT stream, type, payload FROM supervision.outbox WHERE type = 'ClueCaseOpened'`),
    ).toEqual([
      {
        stream: 'enforcement',
        type: 'ClueCaseOpened',
        payload: { clueId: CLUE, taskId: `CLUE:${CLUE}`, officer: '刘洋', openedAt: expect.any(String) },
      },
    ]);
    await expectRefused(TAKE, { input: { taskId: `CLUE:${CLUE}`, officer: '陈静' } }, 'ILLEGAL_TRANSITION');
    await expectRefused(TAKE, { input: { taskId: 'CLUE:nope', officer: '陈静' } }, 'NOT_FOUND');
    await expectRefused(TAKE, { input: { taskId: `HAZARD:${H3}`, officer: '陈静' } }, 'NOT_FOUND');
  });

  it('takes a derived candidate, which persists it as TAKEN', async () => {
    const d = await data(TAKE, { input: { taskId: `HAZARD:${H2}`, officer: '陈静' } });
    expect(d.takeEnforcementTask).toEqual({
      id: `HAZARD:${H2}`,
      status: 'TAKEN',
      takenBy: '陈静',
      priority: 40,
    });
    expect((await queue()).map((t) => [t.id, t.status])).toContainEqual([`HAZARD:${H2}`, 'TAKEN']);
  });

  it('refuses a decision before the inspection, and an inspection of another enterprise', async () => {
    await expectRefused(DECIDE, { input: penalty() }, 'PRECONDITION_FAILED', 'input.taskId');
    await expectRefused(
      INSPECT,
      { input: inspection({ enterpriseId: E1 }) },
      'VALIDATION_FAILED',
      'input.taskId',
    );
    const d = await data(INSPECT, { input: inspection() });
    expect(d.recordInspection.task).toEqual({ id: `CLUE:${CLUE}`, status: 'TAKEN' });
  });

  it.each([
    ['a fine above art. 102’s maximum', { amount: 50001 }, 'VALIDATION_FAILED', 'input.amount'],
    ['a malformed case number', { caseNumber: '2026-7' }, 'VALIDATION_FAILED', 'input.caseNumber'],
    [
      'an order without a deadline',
      { kind: 'RECTIFICATION_ORDER', amount: null },
      'VALIDATION_FAILED',
      'input.rectifyBy',
    ],
    ['an unknown task', { taskId: 'CLUE:x' }, 'NOT_FOUND', undefined],
  ])('refuses %s, changing nothing', async (_what, over, code, field) => {
    await expectRefused(DECIDE, { input: penalty(over) }, code, field);
  });

  it('issues the penalty, closes the task, and sends the outcome to the clue', async () => {
    const d = await data(DECIDE, { input: penalty() });
    expect(d.issueEnforcementDecision).toEqual({
      kind: 'PENALTY_DECISION',
      legalBasis: 'WSL_2021_ART_102',
      legalBasisText: '《安全生产法》第一百零二条',
      amount: 20000,
      caseNumber: `青市北应急罚〔${YEAR}〕7号`,
      decidedBy: '刘洋',
      task: {
        id: `CLUE:${CLUE}`,
        status: 'CLOSED',
        closedAt: expect.any(String),
        decision: { caseNumber: `青市北应急罚〔${YEAR}〕7号` },
      },
    });
    expect(
      await db.query(`SELECT stream, type, payload FROM supervision.outbox WHERE type = 'ClueOutcome'`),
    ).toEqual([
      {
        stream: 'enforcement',
        type: 'ClueOutcome',
        payload: {
          clueId: CLUE,
          taskId: `CLUE:${CLUE}`,
          outcome: `行政处罚决定书 青市北应急罚〔${YEAR}〕7号：罚款 ¥20000（《安全生产法》第一百零二条）`,
          decisionKind: 'PENALTY_DECISION',
          caseNumber: `青市北应急罚〔${YEAR}〕7号`,
          amount: 20000,
          decidedBy: '刘洋',
          decidedAt: expect.any(String),
        },
      },
    ]);
    expect(await db.query(`SELECT status, refused FROM supervision.clue_projection`)).toEqual([
      { status: 'CLOSED', refused: true },
    ]);
    expect((await queue()).map((t) => t.id)).not.toContain(`CLUE:${CLUE}`);
    await expectRefused(
      DECIDE,
      { input: penalty({ caseNumber: `青市北应急罚〔${YEAR}〕8号` }) },
      'ILLEGAL_TRANSITION',
    );
  });

  it('refuses a case number used before', async () => {
    await data(INSPECT, {
      input: inspection({ enterpriseId: E2, taskId: `HAZARD:${H2}`, result: 'RECTIFICATION_ORDERED' }),
    });
    await expectRefused(
      DECIDE,
      { input: penalty({ taskId: `HAZARD:${H2}` }) },
      'ALREADY_EXISTS',
      'input.caseNumber',
    );
  });
});

describe('hazards from every source', () => {
  const HAZARDS = `query($id: ID!) { enterprise(id: $id) { hazards { description source foundBy escalated history { action from to by note } } } }`;

  it('records a patrol’s hazard once, however often the event arrives', async () => {
    const payload = {
      patrolId: id(60),
      enterpriseId: E4,
      gridId: id(99),
      memberId: id(98),
      memberName: '张伟',
      description: '配电箱前堆放杂物',
      level: 'GENERAL',
      foundAt: ago(0),
    };
    await deliver(db, 'supervision', handlers, 'patrols', entry('p-1', 'PatrolHazardFound', payload));
    await deliver(db, 'supervision', handlers, 'patrols', entry('p-1', 'PatrolHazardFound', payload));
    await db.transaction((tx) =>
      handlers.patrols!.PatrolHazardFound!(tx, entry('p-2', 'PatrolHazardFound', payload)),
    );
    const d = await data(HAZARDS, { id: E4 });
    expect(d.enterprise.hazards).toEqual([
      {
        description: '配电箱前堆放杂物',
        source: 'GRID_PATROL',
        foundBy: '张伟',
        escalated: false,
        history: [
          {
            action: 'REPORT',
            from: null,
            to: 'REPORTED',
            by: '张伟',
            note: `网格巡查发现 (patrol ${id(60)})`,
          },
        ],
      },
    ]);
  });

  it('escalates overdue hazards once, recording it in their history', async () => {
    const ESC = `mutation($d: String) { escalateOverdueHazards(district: $d) { id escalated } }`;
    expect((await data(ESC, { d: '370212' })).escalateOverdueHazards).toEqual([]);
    expect((await data(ESC, { d: '370203' })).escalateOverdueHazards).toEqual([{ id: H1, escalated: true }]);
    expect((await data(ESC, {})).escalateOverdueHazards).toEqual([]);
    const d = await data(HAZARDS, { id: E1 });
    const h1 = d.enterprise.hazards.find((h: { description: string }) => h.description === '液化气瓶未固定');
    expect(h1.history).toEqual([
      {
        action: 'ESCALATE',
        from: 'RECTIFYING',
        to: 'RECTIFYING',
        by: '平台督办 (platform)',
        note: `逾期未整改，督办：期限 ${addDays(TODAY, -10)}`,
      },
    ]);
  });
});
