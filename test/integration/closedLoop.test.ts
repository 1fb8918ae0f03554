import { shanghaiDay } from '../../common/time';
import { startTestSystem } from '../harness/system';
import { seededDataset } from '../harness/template';
import type { TestSystem } from '../harness/system';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem();
});
afterAll(() => sys.stop());

async function ok<T = any>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await sys.gql<T>(query, variables);
  expect(res.errors).toBeUndefined();
  return res.data!;
}

/** Polls `read` until `done` holds: events travel outbox → relay → stream → consumer asynchronously. */
async function eventually<T>(read: () => Promise<T>, done: (v: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const QUEUE = `query { enforcementQueue(district: "370203", first: 50) { id kind status priority reason enterprise { id name } } }`;

it('closes the loop: patrol → clue → check → refusal → referral → top of the queue → inspection → penalty → outcome on the clue', async () => {
  // The enterprise at the head of 市北区's queue that has no clue task yet: a refusal puts its new
  // task above everything that was there (a refusal adds 50 to each of its tasks, nothing else moves).
  const before = (await ok(QUEUE)).enforcementQueue as {
    id: string;
    kind: string;
    enterprise: { id: string };
  }[];
  const withClue = new Set(before.filter((t) => t.kind === 'CLUE').map((t) => t.enterprise.id));
  const enterpriseId = before.find((t) => !withClue.has(t.enterprise.id))!.enterprise.id;
  const ent = await ok(
    `query($id: ID!) { enterprise(id: $id) { name location { lat lon } grid { id members { id name } } } }`,
    {
      id: enterpriseId,
    },
  );
  const grid = ent.enterprise.grid;
  const member = grid.members[0];

  // 巡查: the grid member's round finds a hazard (the app retries; the key makes it one patrol).
  const patrolInput = {
    memberId: member.id,
    enterpriseId,
    gridId: grid.id,
    result: 'ISSUES_FOUND',
    findings: '液化气瓶与灶具间距不足',
    hazard: { description: '液化气瓶与灶具间距不足 0.5 米', level: 'GENERAL' },
  };
  const PATROL = `mutation($i: RecordPatrolInput!, $k: String) { recordPatrol(input: $i, idempotencyKey: $k) { id } }`;
  const patrol = (await ok(PATROL, { i: patrolInput, k: 'loop-patrol-1' })).recordPatrol;
  expect((await ok(PATROL, { i: patrolInput, k: 'loop-patrol-1' })).recordPatrol).toEqual(patrol);

  // 线索: reported from the patrol, checked on site, refused, referred.
  const clue = (
    await ok(
      `mutation($i: ReportClueInput!) { reportClue(input: $i, idempotencyKey: "loop-clue-1") { id status districtCode enterprise { id name } grid { id } } }`,
      {
        i: {
          text: '液化气瓶与灶具间距不足，要求整改',
          category: 'GAS',
          reporterId: member.id,
          patrolId: patrol.id,
        },
      },
    )
  ).reportClue;
  expect(clue).toEqual({
    id: expect.any(String),
    status: 'NEW',
    districtCode: '370203',
    enterprise: { id: enterpriseId, name: ent.enterprise.name },
    grid: { id: grid.id },
  });
  const step = { clueId: clue.id, memberId: member.id };
  await ok(`mutation($i: ClueStepInput!) { startClueCheck(input: $i) { status } }`, { i: step });
  await ok(`mutation($i: RecordClueCheckInput!) { recordClueCheck(input: $i) { status } }`, {
    i: { ...step, outcome: 'REFUSED', explanation: '店主称营业繁忙，拒绝整改' },
  });
  await ok(`mutation($i: ReferClueInput!) { referClue(input: $i) { status } }`, {
    i: { ...step, reason: '拒不整改，提请执法' },
  });

  // Hop grid → supervision (patrols, clues), through the outbox, the stream and supervision's consumer.
  const taskId = `CLUE:${clue.id}`;
  const queue = (
    await eventually(
      () => ok(QUEUE),
      (q) => q.enforcementQueue.some((t: { id: string }) => t.id === taskId),
      'the referred clue in the queue',
    )
  ).enforcementQueue;
  const hazards = await eventually(
    () =>
      ok(
        `query($id: ID!) { enterprise(id: $id) { hazards(status: [REPORTED]) { description source foundBy } } }`,
        {
          id: enterpriseId,
        },
      ),
    (h) => h.enterprise.hazards.some((x: { source: string }) => x.source === 'GRID_PATROL'),
    'the patrol hazard',
  );
  expect(hazards.enterprise.hazards).toContainEqual({
    description: '液化气瓶与灶具间距不足 0.5 米',
    source: 'GRID_PATROL',
    foundBy: member.name,
  });

  // 执法任务: the referred clue heads the district's queue.
  expect(queue[0]).toEqual({
    id: taskId,
    kind: 'CLUE',
    status: 'OPEN',
    priority: expect.any(Number),
    reason: '网格线索拒不整改，提请执法：液化气瓶与灶具间距不足，要求整改（拒不整改，提请执法）',
    enterprise: { id: enterpriseId, name: ent.enterprise.name },
  });
  // Its enterprise's other tasks rise with it (ties go to the older task: this one); every other
  // enterprise's task now ranks strictly below.
  const others = queue.filter((t: { enterprise: { id: string } }) => t.enterprise.id !== enterpriseId);
  expect(Math.max(...others.map((t: { priority: number }) => t.priority))).toBeLessThan(queue[0].priority);

  // The officer takes it; the case is open on the clue.
  await ok(`mutation($i: TakeEnforcementTaskInput!) { takeEnforcementTask(input: $i) { status } }`, {
    i: { taskId, officer: '市北区应急管理局 刘洋' },
  });
  const CLUE = `query($id: ID!) { clue(id: $id) { status enforcementTaskId outcome history { action to } } }`;
  await eventually(
    () => ok(CLUE, { id: clue.id }),
    (c) => c.clue.status === 'CASE_OPENED',
    'the case opened on the clue',
  );
  expect((await ok(CLUE, { id: clue.id })).clue).toMatchObject({
    status: 'CASE_OPENED',
    enforcementTaskId: taskId,
  });

  // 执法检查 and 行政处罚.
  await ok(`mutation($i: RecordInspectionInput!) { recordInspection(input: $i) { id } }`, {
    i: {
      enterpriseId,
      conductedAt: new Date().toISOString(),
      kind: 'CLUE',
      inspectors: ['刘洋', '陈静'],
      findings: '液化气瓶仍未规范放置，拒不整改',
      result: 'PENALTY',
      taskId,
    },
  });
  const year = new Date().getFullYear();
  const decision = await ok(
    `mutation($i: EnforcementDecisionInput!) { issueEnforcementDecision(input: $i) { caseNumber amount task { status } } }`,
    {
      i: {
        taskId,
        kind: 'PENALTY_DECISION',
        legalBasis: 'WSL_2021_ART_102',
        amount: 20000,
        caseNumber: `青市北应急罚〔${year}〕101号`,
        content: '未采取措施消除事故隐患，处罚款二万元',
        decidedBy: '市北区应急管理局 刘洋',
      },
    },
  );
  expect(decision.issueEnforcementDecision).toEqual({
    caseNumber: `青市北应急罚〔${year}〕101号`,
    amount: 20000,
    task: { status: 'CLOSED' },
  });

  // Hop supervision → grid: the outcome is written back on the clue.
  await eventually(
    () => ok(CLUE, { id: clue.id }),
    (c) => c.clue.status === 'CLOSED',
    'the outcome on the clue',
  );
  expect((await ok(CLUE, { id: clue.id })).clue).toEqual({
    status: 'CLOSED',
    enforcementTaskId: taskId,
    outcome: `行政处罚决定书 青市北应急罚〔${year}〕101号：罚款 ¥20000（《安全生产法》第一百零二条）`,
    history: [
      { action: 'REPORT', to: 'NEW' },
      { action: 'START_CHECK', to: 'CHECKING' },
      { action: 'RECORD_REFUSED', to: 'REFUSED' },
      { action: 'REFER', to: 'REFERRED' },
      { action: 'OPEN_CASE', to: 'CASE_OPENED' },
      { action: 'CLOSE', to: 'CLOSED' },
    ],
  });
  expect((await ok(QUEUE)).enforcementQueue.map((t: { id: string }) => t.id)).not.toContain(taskId);
});

it('seeds clues in every state and non-empty queues in 市北区 and 崂山区', async () => {
  const d = await ok(`query { clues(first: 200) { status } }`);
  expect(new Set(d.clues.map((c: { status: string }) => c.status))).toEqual(
    new Set(['NEW', 'CHECKING', 'RECTIFIED', 'INVALID', 'REFUSED', 'REFERRED', 'CASE_OPENED', 'CLOSED']),
  );
  for (const district of ['370203', '370212']) {
    const q = await ok(`query($d: String!) { enforcementQueue(district: $d) { priority kind } }`, {
      d: district,
    });
    expect(q.enforcementQueue.length).toBeGreaterThan(0);
    const priorities = q.enforcementQueue.map((t: { priority: number }) => t.priority);
    expect(priorities).toEqual([...priorities].sort((a, b) => b - a));
  }
});

it('answers 市北区 statistics and the Zhenjiang Road risk map with consistent figures', async () => {
  const year = Number(
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric' }).format(new Date()),
  );
  const d = await ok(
    `query($y: Int!) {
      districtStatistics(district: "370203", year: $y) {
        district year
        keyEnterprises { total inspectedTwice share }
        ordinaryEnterprises { total inspectedThisYear inspectedLastYear shareThisYear shareLastYear ratio }
        hazards { total byLevelAndStatus { level status count } overdueOpen closedInYear averageDaysToRectify }
        cluesByStatus { status count }
        alarmsByKind { kind count active }
      }
      enterprises(filter: { districtCode: "370203" }) { totalCount }
    }`,
    { y: year },
  );
  const s = d.districtStatistics;
  expect([s.district, s.year]).toEqual(['370203', year]);
  const { keyEnterprises: key, ordinaryEnterprises: ord, hazards } = s;
  expect(key.total).toBeGreaterThan(0);
  expect(ord.total).toBeGreaterThan(0);
  expect(key.total + ord.total).toBe(d.enterprises.totalCount);
  expect(key.inspectedTwice).toBeLessThanOrEqual(key.total);
  expect(key.share).toBeCloseTo(key.inspectedTwice / key.total, 4);
  expect(ord.shareThisYear).toBeCloseTo(ord.inspectedThisYear / ord.total, 4);
  expect(ord.shareLastYear).toBeCloseTo(ord.inspectedLastYear / ord.total, 4);
  if (ord.inspectedLastYear === 0) expect(ord.ratio).toBeNull();
  else expect(ord.ratio).toBeCloseTo(ord.shareThisYear / ord.shareLastYear, 3);
  expect(hazards.byLevelAndStatus).toHaveLength(8);
  expect(hazards.byLevelAndStatus.reduce((n: number, h: { count: number }) => n + h.count, 0)).toBe(
    hazards.total,
  );
  expect(hazards.overdueOpen).toBeLessThanOrEqual(hazards.total);
  expect(hazards.averageDaysToRectify === null).toBe(hazards.closedInYear === 0);
  expect(s.cluesByStatus.map((c: { status: string }) => c.status)).toEqual([
    'RECTIFIED',
    'INVALID',
    'REFUSED',
    'REFERRED',
    'CASE_OPENED',
    'CLOSED',
  ]);
  for (const a of s.alarmsByKind) expect(a.active).toBeLessThanOrEqual(a.count);

  const box = { south: 36.08, west: 120.37, north: 36.1, east: 120.39 };
  const map = (
    await ok(`query($b: BoundingBoxInput!) { riskMap(bbox: $b) { geojson count truncated } }`, { b: box })
  ).riskMap;
  expect(map.count).toBeGreaterThan(0);
  expect(map.truncated).toBe(false);
  expect(map.geojson.type).toBe('FeatureCollection');
  expect(map.geojson.features).toHaveLength(map.count);
  const colour: Record<string, string> = {
    MAJOR: 'RED',
    SIGNIFICANT: 'ORANGE',
    GENERAL: 'YELLOW',
    LOW: 'BLUE',
  };
  for (const f of map.geojson.features) {
    const [lon, lat] = f.geometry.coordinates;
    expect(f.geometry.type).toBe('Point');
    expect(lat >= box.south && lat <= box.north && lon >= box.west && lon <= box.east).toBe(true);
    expect(f.properties.color).toBe(f.properties.riskLevel ? colour[f.properties.riskLevel] : null);
    expect(f.properties.activeAlarms).toBeGreaterThanOrEqual(0);
  }
  // The same enterprises, as the register tells them.
  const first = map.geojson.features[0];
  const e = await ok(
    `query($id: ID!) { enterprise(id: $id) { name districtCode riskLevel location { lat lon } } }`,
    {
      id: first.properties.id,
    },
  );
  expect(e.enterprise).toEqual({
    name: first.properties.name,
    districtCode: '370203',
    riskLevel: first.properties.riskLevel,
    location: { lat: first.geometry.coordinates[1], lon: first.geometry.coordinates[0] },
  });
});

it('escalates overdue hazards in the background (督办), once', async () => {
  const today = shanghaiDay();
  const overdue = seededDataset().supervision.hazard.filter(
    (h) => h.status !== 'CLOSED' && h.deadline < today,
  );
  expect(overdue.length).toBeGreaterThan(0);
  const h = overdue[0]!;
  const res = await ok(
    `query($id: ID!) { enterprise(id: $id) { hazards { id escalated history { action } } } }`,
    {
      id: h.enterprise_id,
    },
  );
  const hazard = res.enterprise.hazards.find((x: { id: string }) => x.id === h.id);
  expect(hazard.escalated).toBe(true);
  expect(hazard.history.filter((e: { action: string }) => e.action === 'ESCALATE')).toHaveLength(1);
  // Nothing is left for a second run.
  expect((await ok(`mutation { escalateOverdueHazards { id } }`)).escalateOverdueHazards).toEqual([]);
});
