import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { Role } from '../../common/auth';
import { ErrorCode } from '../../common/errors';
import { DEFAULT_PARTNER_OPERATIONS_DIR, loadPartnerOperations } from '../../gateway/security/safelist';
import { testToken } from '../harness/auth';
import { testEnv } from '../harness/env';
import { startTestSystem } from '../harness/system';
import type { TestSystem } from '../harness/system';
import { seededDataset } from '../harness/template';

// Automatic persisted queries: a hash stands for a text sent before, and the text goes through
// the limits, the safelist and the caller's field rules on every request, as if it had been sent.
// With REDIS_URL set the texts are stored in Redis, which this file reads too.

const dataset = seededDataset();
const managed = dataset.supervision.enterprise.find(
  (e) => e.safety_manager_phone && e.safety_manager_id_number,
)!;
const partnerOperation = loadPartnerOperations(DEFAULT_PARTNER_OPERATIONS_DIR).find(
  (o) => o.name === 'DistrictActiveAlarms',
)!;

let sys: TestSystem;
let analyst: string;
/** Hashes this file registered, removed from Redis afterwards. */
const registered = new Set<string>();

beforeAll(async () => {
  sys = await startTestSystem(testEnv.redisUrl ? { REDIS_URL: testEnv.redisUrl } : {});
  analyst = await testToken({ role: Role.DATA_ANALYST, sub: 'test-analyst' });
});

afterAll(async () => {
  await sys?.stop();
  if (testEnv.redisUrl && registered.size) {
    const redis = new Redis(testEnv.redisUrl);
    try {
      await redis.del(...[...registered].map((h) => `qsg:apq:${h}`));
    } finally {
      redis.disconnect();
    }
  }
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** A text no earlier run has registered: each run of the suite starts with an unknown hash. */
const fresh = (body = '{ city { name } }') => `query Apq${randomBytes(6).toString('hex')} ${body}`;
const statements = () => Object.values(sys.stack.db).reduce((n, db) => n + db.stats.statements, 0);

const persisted = (hash: string, version: unknown = 1) => ({ persistedQuery: { version, sha256Hash: hash } });

interface Answer {
  status: number;
  headers: Headers;
  body: any;
}

async function post(
  body: { query?: string; hash: string; variables?: Record<string, unknown> },
  token: string | null = sys.adminToken,
): Promise<Answer> {
  if (body.query !== undefined) registered.add(body.hash);
  const res = await fetch(sys.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: body.query, variables: body.variables, extensions: persisted(body.hash) }),
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

async function get(params: Record<string, string>, token = sys.adminToken): Promise<Answer> {
  if (params.query !== undefined) registered.add(sha256(params.query));
  const res = await fetch(`${sys.gatewayUrl}?${new URLSearchParams(params)}`, {
    headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' },
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

const notFound = {
  errors: [
    {
      message: 'PersistedQueryNotFound',
      extensions: { code: ErrorCode.PERSISTED_QUERY_NOT_FOUND, requestId: expect.any(String) },
    },
  ],
};

describe('automatic persisted queries', () => {
  it('answer an unknown hash PERSISTED_QUERY_NOT_FOUND with 200, uncached, before any work', async () => {
    const before = statements();
    const answer = await post({ hash: sha256(fresh()) });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('private, no-cache, must-revalidate');
    expect(answer.body).toEqual(notFound);
    expect(statements()).toBe(before);
  });

  it('register a text sent with its hash, then answer the hash alone with the same data', async () => {
    const query = fresh('($id: ID!) { enterprise(id: $id) { name } }');
    const hash = sha256(query);
    const variables = { id: managed.id };
    expect((await post({ hash, variables })).body).toEqual(notFound);
    const full = await post({ query, hash, variables });
    expect(full.status).toBe(200);
    expect(full.body).toEqual({ data: { enterprise: { name: managed.name } } });
    const byHash = await post({ hash, variables });
    expect(byHash.status).toBe(200);
    expect(byHash.body).toEqual(full.body);
    // Other variables, same stored text.
    const other = dataset.supervision.enterprise.find((e) => e.id !== managed.id)!;
    expect((await post({ hash, variables: { id: other.id } })).body).toEqual({
      data: { enterprise: { name: other.name } },
    });
  });

  it('keep the exact text: whitespace changes the hash, and a hash of another text is refused', async () => {
    const query = `  ${fresh()}\n`;
    const trimmedHash = sha256(query.trim());
    const wrong = await post({ query, hash: trimmedHash });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors).toEqual([
      {
        message: 'provided sha does not match query',
        extensions: { code: ErrorCode.BAD_REQUEST, requestId: expect.any(String) },
      },
    ]);
    expect((await post({ hash: trimmedHash })).body).toEqual(notFound);
    expect((await post({ query, hash: sha256(query) })).body).toEqual({ data: { city: { name: '青岛市' } } });
    expect((await post({ hash: sha256(query) })).body).toEqual({ data: { city: { name: '青岛市' } } });
  });

  it('refuse a protocol version other than 1', async () => {
    const query = fresh();
    const res = await fetch(sys.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${sys.adminToken}` },
      body: JSON.stringify({ query, extensions: persisted(sha256(query), 2) }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).errors[0]).toMatchObject({
      message: 'Unsupported persisted query version',
      extensions: { code: ErrorCode.BAD_REQUEST },
    });
    expect((await post({ hash: sha256(query) })).body).toEqual(notFound);
  });

  it('never register a document the limits refuse, nor one invalid for the schema', async () => {
    // enterprise, 19 × (hazards, enterprise), id: 40 levels, over the default 15.
    const deep = fresh(
      `{ enterprise(id: "x") { ${'hazards { enterprise { '.repeat(19)}id${' } }'.repeat(19)} } }`,
    );
    const before = statements();
    const refused = await post({ query: deep, hash: sha256(deep) });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].extensions).toMatchObject({ code: ErrorCode.QUERY_TOO_DEEP, limit: 15 });
    expect(statements()).toBe(before);
    expect((await post({ hash: sha256(deep) })).body).toEqual(notFound);

    const invalid = fresh('{ city { nameOfTheCity } }');
    const rejected = await post({ query: invalid, hash: sha256(invalid) });
    expect(rejected.body.errors[0].extensions.code).toBe(ErrorCode.GRAPHQL_VALIDATION_FAILED);
    expect((await post({ hash: sha256(invalid) })).body).toEqual(notFound);
  });

  it('work over GET, for queries only', async () => {
    const query = fresh('($id: ID!) { enterprise(id: $id) { name } }');
    const variables = JSON.stringify({ id: managed.id });
    const extensions = JSON.stringify(persisted(sha256(query)));
    const miss = await get({ variables, extensions });
    expect(miss.status).toBe(200);
    expect(miss.body).toEqual(notFound);
    const full = await get({ query, variables, extensions });
    expect(full.body).toEqual({ data: { enterprise: { name: managed.name } } });
    const hit = await get({ variables, extensions });
    expect(hit.status).toBe(200);
    expect(hit.body).toEqual(full.body);

    // A mutation is neither run nor registered over GET; one registered over POST (here refused
    // to a read-only caller) is still refused over GET by its hash.
    const mutation = `mutation Apq${randomBytes(6).toString('hex')} { escalateOverdueHazards { id } }`;
    const mutationExtensions = JSON.stringify(persisted(sha256(mutation)));
    const overGet = await get({ query: mutation, extensions: mutationExtensions });
    expect(overGet.status).toBe(405);
    expect((await post({ hash: sha256(mutation) })).body).toEqual(notFound);
    const refused = await post({ query: mutation, hash: sha256(mutation) }, analyst);
    expect(refused.body.errors[0].extensions.code).toBe(ErrorCode.FORBIDDEN);
    const before = statements();
    expect((await get({ extensions: mutationExtensions })).status).toBe(405);
    expect(statements()).toBe(before);
  });

  it('still apply each caller’s own authentication and field rules to a registered text', async () => {
    const query = fresh('($id: ID!) { enterprise(id: $id) { name safetyManager { name phone } } }');
    const hash = sha256(query);
    const variables = { id: managed.id };
    const admin = await post({ query, hash, variables });
    expect(admin.body.data.enterprise.safetyManager.phone).toBe(managed.safety_manager_phone);

    const denied = await post({ hash, variables }, analyst);
    expect(denied.status).toBe(200);
    expect(denied.body.data).toEqual({ enterprise: { name: managed.name, safetyManager: null } });
    expect(denied.body.errors.map((e: any) => [e.extensions.code, e.extensions.field])).toEqual([
      [ErrorCode.FORBIDDEN, 'SafetyContact.phone'],
    ]);
    expect(JSON.stringify(denied.body)).not.toContain(managed.safety_manager_phone!);

    const anonymous = await post({ hash, variables }, null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errors[0].extensions.code).toBe(ErrorCode.UNAUTHENTICATED);
  });

  it('leave partners to the safelist: they can neither register nor run a stored text', async () => {
    const partner = await testToken({
      role: Role.PARTNER_BUREAU,
      sub: `partner-${randomBytes(4).toString('hex')}`,
    });
    const query = fresh();
    const hash = sha256(query);
    expect((await post({ query, hash })).body).toEqual({ data: { city: { name: '青岛市' } } });

    const other = fresh();
    for (const attempt of [{ hash: sha256(fresh()) }, { hash }, { query: other, hash: sha256(other) }]) {
      const answer = await post(attempt, partner);
      expect(answer.status).toBe(403);
      expect(answer.body.errors[0].extensions.code).toBe(ErrorCode.OPERATION_NOT_IN_SAFELIST);
    }
    expect((await post({ hash: sha256(other) })).body).toEqual(notFound);

    // Their registered operations keep working by hash, and the safelist answers them for everyone.
    for (const token of [partner, sys.adminToken]) {
      const answer = await post(
        { hash: partnerOperation.hash, variables: { districtCode: '370203' } },
        token,
      );
      expect(answer.status).toBe(200);
      expect(answer.body.errors).toBeUndefined();
    }
  });

  (testEnv.redisUrl ? it : it.skip)('keep texts in Redis under qsg:apq:<sha256> with a TTL', async () => {
    const query = fresh();
    const hash = sha256(query);
    await post({ query, hash });
    const redis = new Redis(testEnv.redisUrl!);
    try {
      expect(await redis.get(`qsg:apq:${hash}`)).toBe(query);
      const ttl = await redis.ttl(`qsg:apq:${hash}`);
      expect(ttl).toBeGreaterThan(86_400 - 60);
      expect(ttl).toBeLessThanOrEqual(86_400);
    } finally {
      redis.disconnect();
    }
  });
});

describe('automatic persisted queries while Redis is unreachable', () => {
  let down: TestSystem;

  beforeAll(async () => {
    // A port nothing listens on: connections are refused at once.
    const closed = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    down = await startTestSystem({ REDIS_URL: `redis://127.0.0.1:${closed}` });
  });

  afterAll(async () => {
    await down?.stop();
  });

  it('miss every hash and serve the text, never failing the request', async () => {
    const query = fresh();
    const send = async (body: Record<string, unknown>) => {
      const res = await fetch(down.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${down.adminToken}` },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as unknown };
    };
    const hashOnly = { extensions: persisted(sha256(query)) };
    expect(await send(hashOnly)).toEqual({ status: 200, body: notFound });
    expect(await send({ query, ...hashOnly })).toEqual({
      status: 200,
      body: { data: { city: { name: '青岛市' } } },
    });
    expect(await send(hashOnly)).toEqual({ status: 200, body: notFound });
  });
});
