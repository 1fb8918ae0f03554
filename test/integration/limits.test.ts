import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { ErrorCode } from '../../common/errors';
import { subscribe } from '../harness/subscriptions';
import { startTestSystem } from '../harness/system';
import type { TestSystem } from '../harness/system';

// Limits before work: each refusal is answered by the gateway before Apollo parses, plans or
// calls a subgraph, which the subgraphs' SQL statement counters prove.

let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem();
});

afterAll(async () => {
  await sys?.stop();
});

const statements = () => Object.values(sys.stack.db).reduce((n, db) => n + db.stats.statements, 0);

interface Answer {
  status: number;
  headers: Headers | IncomingHttpHeaders;
  body: any;
}

async function post(body: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(sys.gatewayUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${sys.adminToken}`, ...headers },
    body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

const postOperation = (query: string, variables?: Record<string, unknown>) =>
  post(JSON.stringify({ query, variables }));

/** Asserts the request was refused with `status` and `code` and ran no SQL anywhere. */
async function expectRefusedEarly(
  send: () => Promise<Answer>,
  status: number,
  code: ErrorCode,
): Promise<Answer> {
  const before = statements();
  const answer = await send();
  expect(answer.status).toBe(status);
  expect(answer.body.errors).toHaveLength(1);
  expect(answer.body.errors[0].extensions).toMatchObject({ code, requestId: expect.any(String) });
  expect(answer.body.data).toBeUndefined();
  expect(statements()).toBe(before);
  return answer;
}

describe('operation limits', () => {
  it('refuses a depth-100 query with QUERY_TOO_DEEP', async () => {
    // enterprise, 49 × (hazards, enterprise), id: 100 levels
    const query = `{ enterprise(id: "x") { ${'hazards { enterprise { '.repeat(49)}id${' } }'.repeat(49)} } }`;
    const { body } = await expectRefusedEarly(() => postOperation(query), 400, ErrorCode.QUERY_TOO_DEEP);
    expect(body.errors[0].extensions.limit).toBe(15);
  });

  it('applies the same limits to operations sent over the WebSocket', async () => {
    const depth = (n: number) =>
      `subscription { alarmRaised { ${'enterprise { hazards { '.repeat(n)}id${' } }'.repeat(n)} id } }`;
    const sub = await subscribe(sys.gatewayUrl, depth(10));
    try {
      const [msg] = await sub.waitFor(1);
      expect(msg!.errors![0]!.extensions).toMatchObject({ code: ErrorCode.QUERY_TOO_DEEP, limit: 15 });
    } finally {
      await sub.close();
    }
  });

  it('refuses 10,000 aliases at the token limit (QUERY_TOO_MANY_TOKENS), and 31 aliases with QUERY_TOO_MANY_ALIASES', async () => {
    const aliases = (n: number) =>
      `{ ${Array.from({ length: n }, (_, i) => `a${i}: enterprise(id: "${i}") { id }`).join('\n')} }`;
    await expectRefusedEarly(() => postOperation(aliases(10_000)), 400, ErrorCode.QUERY_TOO_MANY_TOKENS);
    const { body } = await expectRefusedEarly(
      () => postOperation(aliases(31)),
      400,
      ErrorCode.QUERY_TOO_MANY_ALIASES,
    );
    expect(body.errors[0].extensions).toMatchObject({ aliases: 31, limit: 30 });
  });

  it('prices list sizes from the variables: the same document runs small and is refused large', async () => {
    const query = /* GraphQL */ `
      query Hazards($n: Int!) {
        enterprises(first: $n) {
          edges {
            node {
              name
              hazards {
                history {
                  by
                }
              }
            }
          }
        }
      }
    `;
    const small = await postOperation(query, { n: 2 });
    expect(small.status).toBe(200);
    expect(small.body.errors).toBeUndefined();
    expect(small.body.data.enterprises.edges).toHaveLength(2);
    const { body } = await expectRefusedEarly(
      () => postOperation(query, { n: 1000 }),
      400,
      ErrorCode.QUERY_TOO_COSTLY,
    );
    expect(body.errors[0].extensions.limit).toBe(200_000);
    expect(body.errors[0].extensions.cost).toBeGreaterThan(200_000);
  });

  it('refuses over GET too', async () => {
    const query = `{ ${'a { '.repeat(40)}b${' }'.repeat(40)} }`;
    await expectRefusedEarly(
      async () => {
        const res = await fetch(`${sys.gatewayUrl}?query=${encodeURIComponent(query)}`, {
          headers: { authorization: `Bearer ${sys.adminToken}`, 'apollo-require-preflight': 'true' },
        });
        return { status: res.status, headers: res.headers, body: await res.json() };
      },
      400,
      ErrorCode.QUERY_TOO_DEEP,
    );
  });

  it('refuses batched requests plainly (Apollo batching stays off)', async () => {
    const { body } = await expectRefusedEarly(
      () => post(JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }])),
      400,
      ErrorCode.BAD_REQUEST,
    );
    expect(body.errors[0].message).toMatch(/batched/);
  });
});

/** POSTs headers declaring `declared` bytes, sends only `sent`, and resolves with the answer. */
function postPartially(declared: number, sent: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer before the body was complete')), 10_000);
    const req = request(
      sys.gatewayUrl,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': String(declared),
          authorization: `Bearer ${sys.adminToken}`,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          clearTimeout(timer);
          req.destroy();
          resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(text) });
        });
      },
    );
    // The gateway closes the connection after refusing; the rest of the upload then fails.
    req.on('error', (err) => {
      if (!req.destroyed) reject(err);
    });
    req.write(sent);
  });
}

describe('body size', () => {
  it('refuses a 10 MB body from its Content-Length, before the body is sent', async () => {
    const tenMb = 10 * 1024 * 1024;
    const before = statements();
    const answer = await postPartially(
      tenMb,
      Buffer.from(`{"query":"{ __typename }","x":"${'x'.repeat(64 * 1024)}`),
    );
    expect(answer.status).toBe(413);
    expect((answer.headers as IncomingHttpHeaders).connection).toBe('close');
    expect(answer.body.errors[0].extensions).toMatchObject({
      code: ErrorCode.PAYLOAD_TOO_LARGE,
      limit: '1mb',
      requestId: expect.any(String),
    });
    expect(statements()).toBe(before);
  });

  it('refuses a whole 10 MB upload with 413 PAYLOAD_TOO_LARGE', async () => {
    const body = JSON.stringify({ query: '{ __typename }', padding: 'x'.repeat(10 * 1024 * 1024) });
    const { body: answer } = await expectRefusedEarly(() => post(body), 413, ErrorCode.PAYLOAD_TOO_LARGE);
    expect(answer.errors[0].message).toBe('the request body exceeds the limit of 1mb');
  });

  it('refuses a body without Content-Length once it passes the limit', async () => {
    const answer = await new Promise<Answer>((resolve, reject) => {
      const req = request(
        sys.gatewayUrl,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${sys.adminToken}` },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(text) }),
          );
        },
      );
      req.on('error', reject);
      req.write('{"query":"{ __typename }","x":"');
      // Chunked: 2 MB in 64 KB pieces, so no Content-Length announces the size.
      for (let i = 0; i < 32; i += 1) req.write('x'.repeat(64 * 1024));
      req.end('"}');
    });
    expect(answer.status).toBe(413);
    expect(answer.body.errors[0].extensions.code).toBe(ErrorCode.PAYLOAD_TOO_LARGE);
  });

  it('answers a body that is not JSON with a GraphQL-shaped BAD_REQUEST', async () => {
    const { body } = await expectRefusedEarly(() => post('{"query": '), 400, ErrorCode.BAD_REQUEST);
    expect(body.errors[0].message).toMatch(/not valid JSON/);
  });
});

describe('schema exposure by default', () => {
  it('answers no introspection and suggests no field names', async () => {
    const introspection = await postOperation('{ __schema { queryType { name } } }');
    expect(introspection.body.errors[0].extensions.code).toBe(ErrorCode.GRAPHQL_VALIDATION_FAILED);
    const typo = await postOperation('{ enterprize(id: "x") { id } }');
    expect(typo.body.errors[0].extensions.code).toBe(ErrorCode.GRAPHQL_VALIDATION_FAILED);
    expect(typo.body.errors[0].message).not.toMatch(/Did you mean/);
  });

  it('blocks a GET without a preflight header (CSRF prevention)', async () => {
    const res = await fetch(`${sys.gatewayUrl}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { authorization: `Bearer ${sys.adminToken}` },
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/Cross-Site Request Forgery/);
  });
});

describe('configured limits and exposure', () => {
  let configured: TestSystem;

  beforeAll(async () => {
    configured = await startTestSystem({
      INTROSPECTION: 'true',
      FIELD_SUGGESTIONS: 'true',
      QUERY_MAX_DEPTH: '4',
      QUERY_MAX_COST: '100',
    });
  });

  afterAll(async () => {
    await configured?.stop();
  });

  it('applies the configured limits and exposure', async () => {
    const introspection = await configured.gql('{ __schema { queryType { name } } }');
    expect(introspection.errors).toBeUndefined();
    const typo = await configured.gql('{ enterprize(id: "x") { id } }');
    expect(typo.errors?.[0]?.message).toMatch(/Did you mean "enterprise/);
    const deep = await configured.gql('{ enterprises { edges { node { hazards { id } } } } }');
    expect(deep.errors?.[0]?.extensions).toMatchObject({ code: ErrorCode.QUERY_TOO_DEEP, limit: 4 });
    const costly = await configured.gql('{ enterprises(first: 200) { totalCount } }');
    expect(costly.errors?.[0]?.extensions).toMatchObject({
      code: ErrorCode.QUERY_TOO_COSTLY,
      cost: 201,
      limit: 100,
    });
    const fine = await configured.gql('{ enterprises(first: 3) { totalCount } }');
    expect(fine.errors).toBeUndefined();
  });
});
