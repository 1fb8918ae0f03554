import { Role, signCaller } from '../../common/auth';
import { CALLER_HEADER } from '../../common/auth';
import { CITY_ADMIN, TEST_CALLER_SECRET, testToken } from '../harness/auth';
import { subscribe } from '../harness/subscriptions';
import { startTestSystem } from '../harness/system';
import type { TestSystem } from '../harness/system';

// Who may call at all: the gateway refuses anonymous and badly signed callers, and a subgraph
// refuses anything the gateway did not sign, so going around the gateway gets nothing.
let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem();
});
afterAll(async () => {
  await sys?.stop();
});

const QUERY = '{ enterprises(first: 1) { totalCount } }';

async function postRaw(url: string, headers: Record<string, string>) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: QUERY }),
  });
  return {
    status: res.status,
    body: (await res.json()) as {
      data?: unknown;
      errors?: { message: string; extensions: { code: string } }[];
    },
  };
}

describe('the gateway', () => {
  it('answers 401 UNAUTHENTICATED without a token, with a precise message, and runs nothing', async () => {
    const before = sys.stack.db.supervision.stats.statements;
    const { status, body } = await postRaw(sys.gatewayUrl, {});
    expect(status).toBe(401);
    expect(body.data).toBeUndefined();
    expect(body.errors![0]).toMatchObject({
      message: 'missing bearer token (Authorization: Bearer <token>)',
      extensions: { code: 'UNAUTHENTICATED' },
    });
    expect(sys.stack.db.supervision.stats.statements).toBe(before);
  });

  it('refuses an expired token and one for another audience, each saying why', async () => {
    const expired = await testToken({ role: Role.CITY_ADMIN, expiresIn: '-1h' });
    expect(
      (await postRaw(sys.gatewayUrl, { authorization: `Bearer ${expired}` })).body.errors![0]!.message,
    ).toBe('token expired');
    const elsewhere = await testToken({ role: Role.CITY_ADMIN, audience: 'another-system' });
    const { status, body } = await postRaw(sys.gatewayUrl, { authorization: `Bearer ${elsewhere}` });
    expect(status).toBe(401);
    expect(body.errors![0]).toMatchObject({
      message: 'token audience is not "qingdao-safety-graph"',
      extensions: { code: 'UNAUTHENTICATED' },
    });
  });

  it('serves a valid token', async () => {
    const { status, body } = await postRaw(sys.gatewayUrl, { authorization: `Bearer ${sys.adminToken}` });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
  });

  it('refuses a subscription without a token', async () => {
    const sub = await subscribe(sys.gatewayUrl, 'subscription { alarmRaised { id } }', {}, null);
    try {
      const [msg] = await sub.waitFor(1);
      expect(msg!.errors![0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    } finally {
      await sub.close();
    }
  });
});

describe('a subgraph called directly', () => {
  it.each([
    ['without the signed caller', {}, /missing x-qsg-caller/],
    [
      'with a caller signed by another secret',
      { [CALLER_HEADER]: signCaller(CITY_ADMIN, `${TEST_CALLER_SECRET}-x`) },
      /does not match/,
    ],
    [
      'with a replayed, stale signature',
      { [CALLER_HEADER]: signCaller(CITY_ADMIN, TEST_CALLER_SECRET, Date.now() - 5 * 60_000) },
      /expired/,
    ],
  ])('answers 401 %s and reads nothing', async (_name, headers, message) => {
    const before = sys.stack.db.supervision.stats.statements;
    const { status, body } = await postRaw(sys.stack.urls.supervision, headers as Record<string, string>);
    expect(status).toBe(401);
    expect(body.errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
    expect(body.errors![0]!.message).toMatch(message);
    expect(sys.stack.db.supervision.stats.statements).toBe(before);
  });

  it('answers the gateway-signed caller', async () => {
    const { status } = await postRaw(sys.stack.urls.supervision, {
      [CALLER_HEADER]: signCaller(CITY_ADMIN, TEST_CALLER_SECRET),
    });
    expect(status).toBe(200);
  });

  it('refuses device readings without an ingestion key', async () => {
    const res = await fetch(sys.stack.urls.emergency.replace('/graphql', '/ingest/readings'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer not-a-key-of-this-system' },
      body: JSON.stringify({ readings: [] }),
    });
    expect(res.status).toBe(401);
  });
});
