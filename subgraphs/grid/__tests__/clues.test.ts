import { tableDigests } from '../../../test/harness/digest';
import type { Db, DbEngine } from '../../../common/db';
import type { StreamEntry } from '../../../common/events/types';
import type { SubgraphServer } from '../../../common/http/subgraphServer';
import { createLogger } from '../../../common/logger';
import { loadSubgraphConfig } from '../../../common/subgraphConfig';
import { SUBGRAPH_TEST_ENV } from '../../../test/harness/auth';
import { openTestEngine } from '../../../test/harness/database';
import { migrateSubgraph } from '../../database';
import { applyOnce, deliver } from '../../../common/events';
import { handlers } from '../events/handlers';
import { createGridServer } from '../server';
import {
  E1,
  E2,
  FIXTURE,
  IN_S1,
  LI,
  OUTSIDE,
  P,
  S1,
  S2,
  WANG,
  ZHANG,
  enterprise,
  graphqlClient,
} from './fixture';
import type { GraphqlClient, GraphqlResponse } from './fixture';

let engine: DbEngine;
let db: Db;
let server: SubgraphServer;
let graphql: GraphqlClient['graphql'];
let data: GraphqlClient['data'];

beforeAll(async () => {
  engine = await openTestEngine();
  db = engine.handle();
  await migrateSubgraph('grid', db);
  await db.exec(FIXTURE);
  server = await createGridServer(loadSubgraphConfig('grid', { ...SUBGRAPH_TEST_ENV }), {
    db,
    logger: createLogger('grid', 'silent'),
  });
  ({ graphql, data } = graphqlClient(await server.listen(0)));
});

afterAll(async () => {
  await server?.stop();
  await engine?.close();
});

const TABLES = [
  'grid.patrol',
  'grid.clue',
  'grid.clue_event',
  'grid.outbox',
  'grid.inbox',
  'grid.idempotency_key',
];

/** A digest of every row of the tables a mutation could touch, to prove a refused one changed nothing. */
const snapshot = () => tableDigests(db, TABLES);

const codes = (r: GraphqlResponse) => (r.errors ?? []).map((e) => e.extensions?.code);

async function expectRefused(
  query: string,
  variables: Record<string, unknown>,
  code: string,
  field?: string,
) {
  const before = await snapshot();
  const res = await graphql(query, variables);
  expect(codes(res)).toEqual([code]);
  if (field) expect(res.errors![0]!.extensions!.field).toBe(field);
  expect(await snapshot()).toEqual(before);
}

const outbox = (type: string) =>
  db.query<{ stream: string; type: string; payload: Record<string, unknown> }>(
    `SELECT stream, type, payload FROM grid.outbox WHERE type = $1 ORDER BY id`,
    [type],
  );

const CLUE_FIELDS = `id text category photos location { lat lon } address reporter { name } patrol { id } enterprise { id }
  grid { code } districtCode status explanation enforcementTaskId outcome
  history { action from to by note }`;
const RECORD_PATROL = `mutation($input: RecordPatrolInput!, $key: String) {
  recordPatrol(input: $input, idempotencyKey: $key) { id enterprise { id } member { name } grid { code } result findings hazard { description level } }
}`;
const REPORT = `mutation($input: ReportClueInput!, $key: String) { reportClue(input: $input, idempotencyKey: $key) { ${CLUE_FIELDS} } }`;
const START = `mutation($input: ClueStepInput!, $key: String) { startClueCheck(input: $input, idempotencyKey: $key) { id status } }`;
const CHECK = `mutation($input: RecordClueCheckInput!, $key: String) { recordClueCheck(input: $input, idempotencyKey: $key) { id status explanation } }`;
const REFER = `mutation($input: ReferClueInput!, $key: String) { referClue(input: $input, idempotencyKey: $key) { id status referredAt } }`;

const patrol = (over: Record<string, unknown> = {}) => ({
  memberId: ZHANG,
  enterpriseId: E1,
  gridId: S1,
  result: 'ISSUES_FOUND',
  findings: '液化气瓶与灶具间距不足',
  hazard: { description: '液化气瓶与灶具间距不足 0.5 米', level: 'GENERAL' },
  ...over,
});
const clueInput = (over: Record<string, unknown> = {}) => ({
  text: '后厨液化气瓶未固定，店主拒绝整改',
  category: 'GAS',
  photos: ['upload:7f3a', 'https://img.example/2.jpg'],
  location: IN_S1,
  reporterId: ZHANG,
  enterpriseId: E1,
  ...over,
});

async function newClue(over: Record<string, unknown> = {}): Promise<string> {
  const d = await data(REPORT, { input: clueInput(over) });
  return (d.reportClue as { id: string }).id;
}

describe('recordPatrol', () => {
  it('records the round and announces the hazard found on it for the supervision platform', async () => {
    const before = (await outbox('PatrolHazardFound')).length;
    const res = await data(RECORD_PATROL, { input: patrol() });
    const p = res.recordPatrol as Record<string, unknown>;
    expect(p).toEqual({
      id: expect.any(String),
      enterprise: { id: E1 },
      member: { name: '张伟' },
      grid: { code: 'SB-ZJ-01-01' },
      result: 'ISSUES_FOUND',
      findings: '液化气瓶与灶具间距不足',
      hazard: { description: '液化气瓶与灶具间距不足 0.5 米', level: 'GENERAL' },
    });
    const events = await outbox('PatrolHazardFound');
    expect(events.length).toBe(before + 1);
    expect(events[events.length - 1]).toEqual({
      stream: 'patrols',
      type: 'PatrolHazardFound',
      payload: {
        patrolId: p.id,
        enterpriseId: E1,
        gridId: S1,
        memberId: ZHANG,
        memberName: '张伟',
        description: '液化气瓶与灶具间距不足 0.5 米',
        level: 'GENERAL',
        foundAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    });
  });

  it('announces nothing for a round without a hazard', async () => {
    const before = await db.query(`SELECT count(*)::int AS n FROM grid.outbox`);
    await data(RECORD_PATROL, { input: patrol({ result: 'NORMAL', findings: '正常', hazard: null }) });
    expect(await db.query(`SELECT count(*)::int AS n FROM grid.outbox`)).toEqual(before);
  });

  it.each([
    ['a member not assigned to the grid', { memberId: WANG }, 'PRECONDITION_FAILED', 'input.gridId'],
    ['an unknown member', { memberId: P(9) }, 'NOT_FOUND', undefined],
    ['an unknown grid', { gridId: P(9) }, 'NOT_FOUND', undefined],
    ['a hazard on a NORMAL round', { result: 'NORMAL' }, 'VALIDATION_FAILED', 'input.hazard'],
    ['a malformed enterprise id', { enterpriseId: 'E1' }, 'VALIDATION_FAILED', 'input.enterpriseId'],
    [
      'a time in the future',
      { patrolledAt: '2099-01-01T00:00:00Z' },
      'VALIDATION_FAILED',
      'input.patrolledAt',
    ],
    ['empty findings', { findings: '  ' }, 'VALIDATION_FAILED', 'input.findings'],
  ])('refuses %s and changes nothing', async (_what, over, code, field) => {
    await expectRefused(RECORD_PATROL, { input: patrol(over) }, code, field);
  });
});

describe('reportClue', () => {
  it('reports a clue in the grid holding its location, under that grid’s district', async () => {
    const d = await data(REPORT, { input: clueInput({ address: '镇江路 12 号' }) });
    expect(d.reportClue).toEqual({
      id: expect.any(String),
      text: '后厨液化气瓶未固定，店主拒绝整改',
      category: 'GAS',
      photos: ['upload:7f3a', 'https://img.example/2.jpg'],
      location: IN_S1,
      address: '镇江路 12 号',
      reporter: { name: '张伟' },
      patrol: null,
      enterprise: { id: E1 },
      grid: { code: 'SB-ZJ-01-01' },
      districtCode: '370203',
      status: 'NEW',
      explanation: null,
      enforcementTaskId: null,
      outcome: null,
      history: [{ action: 'REPORT', from: null, to: 'NEW', by: '张伟', note: null }],
    });
  });

  it('takes grid and enterprise from the patrol it was found on', async () => {
    const d = await data(REPORT, {
      input: clueInput({ location: null, enterpriseId: null, patrolId: P(5), reporterId: WANG }),
    });
    expect(d.reportClue).toMatchObject({
      patrol: { id: P(5) },
      enterprise: { id: E2 },
      grid: { code: 'SB-ZJ-01-02' },
    });
  });

  it.each([
    ['a location in no grid and no grid id', { location: OUTSIDE }, 'VALIDATION_FAILED', 'input.gridId'],
    ['an unknown reporter', { reporterId: P(9) }, 'NOT_FOUND', undefined],
    ['an unknown patrol', { patrolId: P(9) }, 'NOT_FOUND', undefined],
    ['an enterprise other than the patrol’s', { patrolId: P(5) }, 'VALIDATION_FAILED', 'input.enterpriseId'],
    [
      'ten photos',
      { photos: Array.from({ length: 10 }, (_, i) => `p${i}`) },
      'VALIDATION_FAILED',
      'input.photos',
    ],
    ['an empty text', { text: '' }, 'VALIDATION_FAILED', 'input.text'],
  ])('refuses %s and changes nothing', async (_what, over, code, field) => {
    await expectRefused(REPORT, { input: clueInput(over) }, code, field);
  });

  it('refuses an unknown category before any resolver runs', async () => {
    await expectRefused(REPORT, { input: clueInput({ category: 'ROBBERY' }) }, 'BAD_USER_INPUT');
  });
});

describe('clue lifecycle', () => {
  it('checks on site, records the refusal and refers the clue, announcing each outcome', async () => {
    const id = await newClue();
    expect((await data(START, { input: { clueId: id, memberId: ZHANG } })).startClueCheck).toEqual({
      id,
      status: 'CHECKING',
    });
    expect(
      (
        await data(CHECK, {
          input: { clueId: id, memberId: ZHANG, outcome: 'REFUSED', explanation: '店主称无钱更换' },
        })
      ).recordClueCheck,
    ).toEqual({ id, status: 'REFUSED', explanation: '店主称无钱更换' });
    const referred = (
      await data(REFER, { input: { clueId: id, memberId: LI, reason: '拒不整改，提请执法' } })
    ).referClue as {
      referredAt: string;
    };
    expect(referred).toEqual({ id, status: 'REFERRED', referredAt: expect.any(String) });

    const checked = (await outbox('ClueChecked')).filter((e) => e.payload.clueId === id);
    expect(checked).toEqual([
      {
        stream: 'clues',
        type: 'ClueChecked',
        payload: {
          clueId: id,
          enterpriseId: E1,
          districtCode: '370203',
          gridId: S1,
          category: 'GAS',
          outcome: 'REFUSED',
          explanation: '店主称无钱更换',
          checkedAt: expect.any(String),
        },
      },
    ]);
    expect((await outbox('ClueReferred')).filter((e) => e.payload.clueId === id)).toEqual([
      {
        stream: 'clues',
        type: 'ClueReferred',
        payload: {
          clueId: id,
          enterpriseId: E1,
          districtCode: '370203',
          gridId: S1,
          category: 'GAS',
          text: '后厨液化气瓶未固定，店主拒绝整改',
          explanation: '店主称无钱更换',
          reason: '拒不整改，提请执法',
          referredBy: '李娜',
          referredAt: new Date(referred.referredAt).toISOString(),
        },
      },
    ]);
    const d = await data(`query($id: ID!) { clue(id: $id) { status history { action from to by note } } }`, {
      id,
    });
    expect(d.clue).toEqual({
      status: 'REFERRED',
      history: [
        { action: 'REPORT', from: null, to: 'NEW', by: '张伟', note: null },
        { action: 'START_CHECK', from: 'NEW', to: 'CHECKING', by: '张伟', note: null },
        { action: 'RECORD_REFUSED', from: 'CHECKING', to: 'REFUSED', by: '张伟', note: '店主称无钱更换' },
        { action: 'REFER', from: 'REFUSED', to: 'REFERRED', by: '李娜', note: '拒不整改，提请执法' },
      ],
    });
  });

  it('ends a rectified clue there: no referral', async () => {
    const id = await newClue();
    await data(START, { input: { clueId: id, memberId: ZHANG } });
    await data(CHECK, {
      input: { clueId: id, memberId: ZHANG, outcome: 'RECTIFIED', explanation: '已当场固定' },
    });
    const res = await graphql(REFER, { input: { clueId: id, memberId: ZHANG, reason: 'x' } });
    expect(codes(res)).toEqual(['ILLEGAL_TRANSITION']);
    expect(res.errors![0]!.extensions).toMatchObject({ from: 'RECTIFIED', action: 'REFER', allowed: [] });
  });

  it('refuses illegal steps, unknown clues and members, and referrals naming no enterprise, changing nothing', async () => {
    const fresh = await newClue();
    await expectRefused(
      REFER,
      { input: { clueId: fresh, memberId: ZHANG, reason: '拒不整改' } },
      'ILLEGAL_TRANSITION',
    );
    await expectRefused(
      CHECK,
      { input: { clueId: fresh, memberId: ZHANG, outcome: 'INVALID', explanation: '无' } },
      'ILLEGAL_TRANSITION',
    );
    await expectRefused(START, { input: { clueId: P(9), memberId: ZHANG } }, 'NOT_FOUND');
    await expectRefused(START, { input: { clueId: fresh, memberId: P(9) } }, 'NOT_FOUND');
    await expectRefused(
      CHECK,
      { input: { clueId: fresh, memberId: ZHANG, outcome: 'INVALID', explanation: ' ' } },
      'VALIDATION_FAILED',
      'input.explanation',
    );
    const anonymous = await newClue({ enterpriseId: null });
    await data(START, { input: { clueId: anonymous, memberId: ZHANG } });
    await data(CHECK, {
      input: { clueId: anonymous, memberId: ZHANG, outcome: 'REFUSED', explanation: '拒绝' },
    });
    await expectRefused(
      REFER,
      { input: { clueId: anonymous, memberId: ZHANG, reason: '拒不整改' } },
      'PRECONDITION_FAILED',
      'input.clueId',
    );
  });
});

describe('idempotency keys', () => {
  it('returns the first result for a repeat and creates nothing more', async () => {
    const first = await graphql(REPORT, { input: clueInput({ text: '重复提交测试' }), key: 'app-1:clue-42' });
    expect(first.errors).toBeUndefined();
    const before = await snapshot();
    // The same input with its keys in another order is the same request.
    const { reporterId, ...rest } = clueInput({ text: '重复提交测试' });
    const again = await graphql(REPORT, { input: { reporterId, ...rest }, key: 'app-1:clue-42' });
    expect(again).toEqual(first);
    expect(await snapshot()).toEqual(before);
    const [n] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM grid.clue WHERE text = '重复提交测试'`,
    );
    expect(n!.n).toBe(1);
  });

  it('refuses the same key with another payload or for another operation, changing nothing', async () => {
    await data(REPORT, { input: clueInput({ text: '第一次' }), key: 'app-1:clue-43' });
    await expectRefused(
      REPORT,
      { input: clueInput({ text: '第二次' }), key: 'app-1:clue-43' },
      'IDEMPOTENCY_KEY_REUSED',
      'idempotencyKey',
    );
    await expectRefused(
      RECORD_PATROL,
      { input: patrol(), key: 'app-1:clue-43' },
      'IDEMPOTENCY_KEY_REUSED',
      'idempotencyKey',
    );
  });

  it('replays a lifecycle step instead of refusing it as illegal the second time', async () => {
    const id = await newClue();
    const first = await graphql(START, { input: { clueId: id, memberId: ZHANG }, key: 'app-2:start' });
    const again = await graphql(START, { input: { clueId: id, memberId: ZHANG }, key: 'app-2:start' });
    expect(again).toEqual(first);
    expect(first.data).toEqual({ startClueCheck: { id, status: 'CHECKING' } });
    const patrolFirst = await graphql(RECORD_PATROL, { input: patrol(), key: 'app-2:patrol' });
    const patrolAgain = await graphql(RECORD_PATROL, { input: patrol(), key: 'app-2:patrol' });
    expect(patrolAgain).toEqual(patrolFirst);
    const [n] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM grid.outbox WHERE payload->>'patrolId' = $1`,
      [(patrolFirst.data!.recordPatrol as { id: string }).id],
    );
    expect(n!.n).toBe(1);
  });

  it('does not keep the key of a refused request, so a corrected retry may use it', async () => {
    const res = await graphql(REPORT, { input: clueInput({ reporterId: P(9) }), key: 'app-3:k' });
    expect(codes(res)).toEqual(['NOT_FOUND']);
    expect((await graphql(REPORT, { input: clueInput(), key: 'app-3:k' })).errors).toBeUndefined();
  });
});

async function referredClue(): Promise<string> {
  const id = await newClue();
  await data(START, { input: { clueId: id, memberId: ZHANG } });
  await data(CHECK, { input: { clueId: id, memberId: ZHANG, outcome: 'REFUSED', explanation: '拒绝整改' } });
  await data(REFER, { input: { clueId: id, memberId: ZHANG, reason: '提请执法' } });
  return id;
}

const entry = (outboxId: string, type: string, payload: Record<string, unknown>): StreamEntry => ({
  id: `1700000000000-${outboxId}`,
  type,
  outboxId,
  at: '2026-01-20T02:00:00.000Z',
  payload,
});

describe('enforcement events', () => {
  const HISTORY = `query($id: ID!) { clue(id: $id) { status enforcementTaskId outcome decidedAt history { action from to by note } } }`;

  it('opens the case, then closes the clue with the outcome; a redelivery changes nothing', async () => {
    const id = await referredClue();
    const opened = entry('s-101', 'ClueCaseOpened', {
      clueId: id,
      taskId: `CLUE:${id}`,
      officer: '市北区应急管理局 刘洋',
      openedAt: '2026-01-20T01:00:00.000Z',
    });
    const outcome = entry('s-102', 'ClueOutcome', {
      clueId: id,
      taskId: `CLUE:${id}`,
      outcome: '行政处罚决定书 青市北应急罚〔2026〕7号：罚款 ¥20,000（《安全生产法》第一百零二条）',
      decidedBy: '市北区应急管理局 刘洋',
      decidedAt: '2026-01-21T03:00:00.000Z',
    });
    expect(await applyOnce(db, 'grid', 'enforcement', opened, handlers.enforcement!.ClueCaseOpened!)).toBe(
      true,
    );
    expect(await applyOnce(db, 'grid', 'enforcement', outcome, handlers.enforcement!.ClueOutcome!)).toBe(
      true,
    );
    const after = await data(HISTORY, { id });
    expect(await applyOnce(db, 'grid', 'enforcement', outcome, handlers.enforcement!.ClueOutcome!)).toBe(
      false,
    );
    expect(await deliver(db, 'grid', handlers, 'enforcement', opened)).toBe(false);
    expect(await data(HISTORY, { id })).toEqual(after);
    expect(after.clue).toEqual({
      status: 'CLOSED',
      enforcementTaskId: `CLUE:${id}`,
      outcome: '行政处罚决定书 青市北应急罚〔2026〕7号：罚款 ¥20,000（《安全生产法》第一百零二条）',
      decidedAt: '2026-01-21T03:00:00.000Z',
      history: [
        { action: 'REPORT', from: null, to: 'NEW', by: '张伟', note: null },
        { action: 'START_CHECK', from: 'NEW', to: 'CHECKING', by: '张伟', note: null },
        { action: 'RECORD_REFUSED', from: 'CHECKING', to: 'REFUSED', by: '张伟', note: '拒绝整改' },
        { action: 'REFER', from: 'REFUSED', to: 'REFERRED', by: '张伟', note: '提请执法' },
        { action: 'OPEN_CASE', from: 'REFERRED', to: 'CASE_OPENED', by: '市北区应急管理局 刘洋', note: null },
        {
          action: 'CLOSE',
          from: 'CASE_OPENED',
          to: 'CLOSED',
          by: '市北区应急管理局 刘洋',
          note: '行政处罚决定书 青市北应急罚〔2026〕7号：罚款 ¥20,000（《安全生产法》第一百零二条）',
        },
      ],
    });
  });

  it('closes a referred clue whose outcome arrives before the case-opened event, and ignores the late one', async () => {
    const id = await referredClue();
    const payload = {
      clueId: id,
      taskId: 'T-9',
      outcome: '责令限期整改',
      decidedBy: '刘洋',
      decidedAt: '2026-01-21T03:00:00.000Z',
    };
    // Handlers are idempotent on their own too: applied twice without the inbox, one close.
    await db.transaction((tx) =>
      handlers.enforcement!.ClueOutcome!(tx, entry('s-201', 'ClueOutcome', payload)),
    );
    await db.transaction((tx) =>
      handlers.enforcement!.ClueOutcome!(tx, entry('s-201', 'ClueOutcome', payload)),
    );
    await deliver(
      db,
      'grid',
      handlers,
      'enforcement',
      entry('s-200', 'ClueCaseOpened', {
        clueId: id,
        taskId: 'T-9',
        officer: '刘洋',
        openedAt: '2026-01-20T00:00:00.000Z',
      }),
    );
    const d = await data(HISTORY, { id });
    expect(
      (d.clue as { status: string; history: { action: string }[] }).history.map((h) => h.action),
    ).toEqual(['REPORT', 'START_CHECK', 'RECORD_REFUSED', 'REFER', 'OPEN_CASE', 'CLOSE']);
    expect(d.clue).toMatchObject({ status: 'CLOSED', outcome: '责令限期整改' });
  });

  it('marks entries of types it does not handle as done without effect', async () => {
    expect(await deliver(db, 'grid', handlers, 'enforcement', entry('s-300', 'SomethingElse', {}))).toBe(
      true,
    );
    expect(await deliver(db, 'grid', handlers, 'enforcement', entry('s-300', 'SomethingElse', {}))).toBe(
      false,
    );
  });
});

describe('clue queries', () => {
  it('filters clues and lists them per grid and per enterprise, newest first', async () => {
    const d = await data(
      `query { clues(filter: { status: [REFERRED], districtCode: "370203" }, first: 200) { status districtCode } }`,
    );
    expect((d.clues as unknown[]).length).toBeGreaterThan(0);
    expect(new Set((d.clues as { status: string }[]).map((c) => c.status))).toEqual(new Set(['REFERRED']));
    const all = await db.query<{ id: string; grid_id: string; enterprise_id: string | null }>(
      `SELECT id, grid_id, enterprise_id FROM grid.clue ORDER BY reported_at DESC, id`,
    );
    const byGrid = await data(`query($id: ID!) { grid(id: $id) { clues(first: 200) { id } } }`, { id: S2 });
    expect(byGrid.grid).toEqual({ clues: all.filter((c) => c.grid_id === S2).map((c) => ({ id: c.id })) });
    const ent = await data(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Enterprise { id clues { id } } } }`,
      { r: [enterprise(E2, null), enterprise(P(7), null)] },
    );
    expect(ent._entities).toEqual([
      { id: E2, clues: all.filter((c) => c.enterprise_id === E2).map((c) => ({ id: c.id })) },
      { id: P(7), clues: [] },
    ]);
    expect(await data(`query { clue(id: "nope") { id } }`)).toEqual({ clue: null });
  });
});
