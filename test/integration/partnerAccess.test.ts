import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Role } from '../../common/auth';
import { ErrorCode } from '../../common/errors';
import { DEFAULT_PARTNER_OPERATIONS_DIR, loadPartnerOperations } from '../../gateway/security/safelist';
import type { RegisteredOperation } from '../../gateway/security/safelist';
import { testToken } from '../harness/auth';
import { testEnv } from '../harness/env';
import { subscribe } from '../harness/subscriptions';
import { startTestSystem } from '../harness/system';
import type { TestSystem } from '../harness/system';

// Partners (PARTNER_BUREAU) run only the operations registered in schema/partner-operations, by
// hash or by their exact text, at PARTNER_RATE_LIMIT requests per window (in Redis when REDIS_URL
// is set, so this file checks the shared counter there too).

const RATE = 5;
let sys: TestSystem;
const operations = loadPartnerOperations(DEFAULT_PARTNER_OPERATIONS_DIR);
const op = (name: string): RegisteredOperation => operations.find((o) => o.name === name)!;

beforeAll(async () => {
  sys = await startTestSystem({
    PARTNER_RATE_LIMIT: String(RATE),
    PARTNER_RATE_WINDOW_S: '60',
    ...(testEnv.redisUrl ? { REDIS_URL: testEnv.redisUrl } : {}),
  });
});

afterAll(async () => {
  await sys?.stop();
});

const statements = () => Object.values(sys.stack.db).reduce((n, db) => n + db.stats.statements, 0);

/** A partner of its own per test, so each starts with a full rate allowance. */
const newPartner = async () => {
  const sub = `partner-${randomBytes(4).toString('hex')}`;
  return { sub, token: await testToken({ role: Role.PARTNER_BUREAU, sub }) };
};

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

async function send(token: string, body: unknown): Promise<Answer> {
  const res = await fetch(sys.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

const byHash = (hash: string, variables: Record<string, unknown> = {}) => ({
  variables,
  extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
});

describe('the registered operations', () => {
  it('are hashed from each file’s text, trimmed', () => {
    expect(operations.map((o) => o.name).sort()).toEqual([
      'DistrictActiveAlarms',
      'DistrictEnterprisesByRisk',
      'EnterpriseOpenHazards',
    ]);
    for (const o of operations) {
      const text = readFileSync(join(DEFAULT_PARTNER_OPERATIONS_DIR, o.file), 'utf8').trim();
      expect(o.hash).toBe(createHash('sha256').update(text).digest('hex'));
    }
  });
});

describe('a partner', () => {
  it('runs each registered operation by its hash alone', async () => {
    const { token } = await newPartner();
    const sample = await sys.gql<any>(
      '{ enterprises(first: 1, filter: { districtCode: "370203" }) { edges { node { creditCode } } } }',
    );
    const creditCode = sample.data.enterprises.edges[0].node.creditCode as string;
    const cases: [string, Record<string, unknown>][] = [
      ['DistrictEnterprisesByRisk', { districtCode: '370203', first: 5 }],
      ['EnterpriseOpenHazards', { creditCode }],
      ['DistrictActiveAlarms', { districtCode: '370203' }],
    ];
    const answers: any[] = [];
    for (const [name, variables] of cases) {
      const answer = await send(token, byHash(op(name).hash, variables));
      expect(answer.status).toBe(200);
      expect(answer.body.errors).toBeUndefined();
      answers.push(answer.body.data);
    }
    const [enterprises, hazards, alarms] = answers;
    expect(enterprises.enterprises.edges.length).toBeGreaterThan(0);
    expect(hazards.enterpriseByCreditCode.creditCode).toBe(creditCode);
    expect(Array.isArray(hazards.enterpriseByCreditCode.hazards)).toBe(true);
    expect(Array.isArray(alarms.alarms)).toBe(true);
  });

  it('runs a registered operation sent as its text', async () => {
    const { token } = await newPartner();
    const answer = await send(token, {
      query: op('DistrictActiveAlarms').query,
      variables: { districtCode: '370203' },
    });
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
    expect(Array.isArray(answer.body.data.alarms)).toBe(true);
  });

  it('runs a registered operation by hash over GET', async () => {
    const { token } = await newPartner();
    const params = new URLSearchParams({
      variables: JSON.stringify({ districtCode: '370203', first: 2 }),
      extensions: JSON.stringify(byHash(op('DistrictEnterprisesByRisk').hash).extensions),
    });
    const res = await fetch(`${sys.gatewayUrl}?${params}`, {
      headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' },
    });
    const body = (await res.json()) as any;
    expect(res.status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.enterprises.edges.length).toBeLessThanOrEqual(2);
  });

  it('is refused anything else with 403 OPERATION_NOT_IN_SAFELIST, before any work', async () => {
    const { token } = await newPartner();
    const attempts: unknown[] = [
      // Not registered.
      { query: '{ enterprises(first: 5) { edges { node { name address } } } }' },
      // A registered operation with a field added.
      {
        query: op('DistrictActiveAlarms').query.replace('severity', 'severity note'),
        variables: { districtCode: '370203' },
      },
      // An unknown hash.
      byHash('0'.repeat(64)),
      // A mutation (partners only read; none is registered).
      { query: 'mutation { escalateOverdueHazards { id } }' },
    ];
    for (const attempt of attempts) {
      const before = statements();
      const answer = await send(token, attempt);
      expect(answer.status).toBe(403);
      expect(answer.body.errors[0].extensions).toMatchObject({
        code: ErrorCode.OPERATION_NOT_IN_SAFELIST,
        requestId: expect.any(String),
      });
      expect(statements()).toBe(before);
    }
  });

  it('still meets the operation limits with a registered operation', async () => {
    const { token } = await newPartner();
    const answer = await send(
      token,
      byHash(op('DistrictEnterprisesByRisk').hash, { districtCode: '370203', first: 100_000 }),
    );
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0].extensions.code).toBe(ErrorCode.QUERY_TOO_COSTLY);
  });

  it('is refused over a WebSocket, where the safelist cannot be enforced', async () => {
    const { token } = await newPartner();
    const sub = await subscribe(sys.gatewayUrl, 'subscription { alarmRaised { id } }', {}, token);
    try {
      const [first] = await sub.waitFor(1);
      expect(first?.errors?.[0]?.extensions?.code).toBe(ErrorCode.OPERATION_NOT_IN_SAFELIST);
    } finally {
      await sub.close();
    }
  });
});

describe('other callers', () => {
  it('run any operation, and the registered ones by hash too', async () => {
    const free = await sys.gql<any>('{ enterprises(first: 1) { edges { node { name address } } } }');
    expect(free.errors).toBeUndefined();
    const hashed = await send(
      sys.adminToken,
      byHash(op('DistrictActiveAlarms').hash, { districtCode: '370203' }),
    );
    expect(hashed.status).toBe(200);
    expect(hashed.body.errors).toBeUndefined();
    // An unknown hash is the first step of the APQ protocol for them (test/integration/apq.test.ts).
    const unknown = await send(sys.adminToken, byHash('0'.repeat(64)));
    expect(unknown.status).toBe(200);
    expect(unknown.body.errors[0].extensions.code).toBe(ErrorCode.PERSISTED_QUERY_NOT_FOUND);
  });
});

describe('the partner rate limit', () => {
  it(`answers a partner's request past ${RATE} per window with 429 RATE_LIMITED and Retry-After`, async () => {
    const { token } = await newPartner();
    const request = byHash(op('DistrictActiveAlarms').hash, { districtCode: '370203', first: 1 });
    for (let i = 0; i < RATE; i += 1) expect((await send(token, request)).status).toBe(200);
    const before = statements();
    const throttled = await send(token, request);
    expect(throttled.status).toBe(429);
    const retryAfter = Number(throttled.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(throttled.body.errors[0].extensions).toMatchObject({
      code: ErrorCode.RATE_LIMITED,
      limit: RATE,
      windowSeconds: 60,
      retryAfterSeconds: retryAfter,
    });
    expect(statements()).toBe(before);
    // Another partner has its own allowance.
    expect((await send((await newPartner()).token, request)).status).toBe(200);
  });

  it('counts refused requests too', async () => {
    const { token } = await newPartner();
    for (let i = 0; i < RATE; i += 1)
      expect((await send(token, { query: '{ __typename }' })).status).toBe(403);
    expect((await send(token, { query: '{ __typename }' })).status).toBe(429);
  });

  it('does not throttle other callers', async () => {
    for (let i = 0; i < RATE * 3; i += 1) {
      const answer = await send(sys.adminToken, { query: '{ __typename }' });
      expect(answer.status).toBe(200);
    }
    const analyst = await testToken({ role: Role.DATA_ANALYST, sub: 'analyst' });
    for (let i = 0; i < RATE * 2; i += 1)
      expect((await send(analyst, { query: '{ __typename }' })).status).toBe(200);
  });

  (testEnv.redisUrl ? it : it.skip)('keeps its count in Redis, where every replica reads it', async () => {
    const { sub, token } = await newPartner();
    const redis = new Redis(testEnv.redisUrl!, { lazyConnect: true });
    try {
      await redis.connect();
      for (let i = 0; i < 2; i += 1)
        await send(token, byHash(op('DistrictActiveAlarms').hash, { districtCode: '370203' }));
      expect(await redis.get(`qsg:partner-rate:${sub}`)).toBe('2');
      expect(await redis.pttl(`qsg:partner-rate:${sub}`)).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
  });
});
