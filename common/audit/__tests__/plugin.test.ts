import { Writable } from 'node:stream';
import gql from 'graphql-tag';
import pino from 'pino';
import { Role } from '../../auth';
import type { Caller } from '../../auth';
import type { Db, DbEngine } from '../../db';
import { AppError, ErrorCode, validationFailed } from '../../errors';
import { createSubgraphServer } from '../../http/subgraphServer';
import type { SubgraphServer } from '../../http/subgraphServer';
import { REQUEST_ID_HEADER } from '../../http/requestId';
import { DateTimeScalar } from '../../scalars';
import { TEST_CALLER_SECRET, callerHeaders } from '../../../test/harness/auth';
import { openTestEngine } from '../../../test/harness/database';
import { migrateSubgraph } from '../../../subgraphs/database';
import { readAuditLog, verifyAuditChain } from '../chain';

// A small real subgraph whose mutations allow, refuse, fail and crash on demand, so every
// outcome the plugin derives is exercised without depending on any platform's rules.
const typeDefs = gql`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@shareable"])
  scalar DateTime
  type Query {
    ping: Boolean
  }
  type Mutation {
    allow(input: ThingInput!, note: String = "default"): Thing!
    refuse(id: ID!): Thing
    fail(id: ID!): Thing
    crash: Thing
  }
  input ThingInput {
    name: String!
    tags: [String!]
    at: DateTime
  }
  type Thing {
    id: ID!
    name: String!
    "Always refused: an error below the mutation, after it took effect."
    secret: String
  }
`;

interface Ctx {
  caller: Caller;
}

const resolvers = {
  DateTime: DateTimeScalar,
  Query: { ping: () => true },
  Mutation: {
    allow: (_: unknown, args: { input: { name: string } }) => ({ id: 't-1', name: args.input.name }),
    refuse: () => {
      throw new AppError(ErrorCode.FORBIDDEN, 'refuse refused: not yours');
    },
    fail: () => {
      throw validationFailed('id', 'unknown thing');
    },
    crash: () => {
      throw new Error('connection reset');
    },
  },
  Thing: {
    secret: () => {
      throw new AppError(ErrorCode.FORBIDDEN, 'secret needs personal:read');
    },
  },
};

const OFFICER: Caller = {
  sub: 'officer-42',
  role: Role.SUBDISTRICT_STAFF,
  scopes: ['supervision:write'],
  district: '370203',
  subdistrict: '370203001',
};

let engine: DbEngine;
let db: Db;
let server: SubgraphServer;
let url: string;
const errorLines: Record<string, unknown>[] = [];

async function start(schema: string): Promise<{ server: SubgraphServer; url: string }> {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean))
        errorLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const s = await createSubgraphServer<Ctx>({
    name: 'audit-test',
    typeDefs,
    resolvers,
    logger: pino({ level: 'error' }, sink),
    callerSecret: TEST_CALLER_SECRET,
    audit: { db, schema },
    context: (_req, caller) => ({ caller }),
  });
  return { server: s, url: await s.listen(0) };
}

beforeAll(async () => {
  engine = await openTestEngine();
  db = engine.handle();
  await migrateSubgraph('grid', db);
  ({ server, url } = await start('grid'));
});
afterAll(async () => {
  await server.stop();
  await engine.close();
});

async function post(
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
  to = url,
) {
  const res = await fetch(to, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...callerHeaders(OFFICER), ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
}

const newest = async (n: number) => (await readAuditLog(db, 'grid', { first: n })).records.reverse();

describe('the audit plugin', () => {
  it('records each root field of a mutation in order, with the caller, arguments and outcome', async () => {
    const res = await post(
      `mutation Several($name: String!, $at: DateTime) {
        first: allow(input: { name: $name, tags: ["a"], at: $at }) { id secret }
        refuse(id: "r-1") { id }
        fail(id: "f-1") { id }
        ...More
      }
      fragment More on Mutation { crash { id } }`,
      { name: '青岛测试', at: '2026-01-15T16:30:00+08:00' },
      { [REQUEST_ID_HEADER]: 'audit-plugin-1' },
    );
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual([
      'FORBIDDEN',
      'FORBIDDEN',
      'VALIDATION_FAILED',
      'INTERNAL_SERVER_ERROR',
    ]);

    const records = await newest(4);
    expect(records.map((r) => [r.field, r.outcome, r.errorCode])).toEqual([
      // The refused `secret` lies below the mutation, which had already taken effect.
      ['allow', 'ALLOWED', null],
      ['refuse', 'REFUSED', 'FORBIDDEN'],
      ['fail', 'FAILED', 'VALIDATION_FAILED'],
      ['crash', 'FAILED', 'INTERNAL_SERVER_ERROR'],
    ]);
    for (const r of records)
      expect(r).toMatchObject({
        sub: 'officer-42',
        role: 'SUBDISTRICT_STAFF',
        district: '370203',
        subdistrict: '370203001',
        grids: null,
        enterprise: null,
        agency: null,
        operationName: 'Several',
        requestId: 'audit-plugin-1',
      });
    // Variables resolved, defaults applied, custom scalars in their serialised form, keys sorted.
    expect(records[0]!.arguments).toBe(
      '{"input":{"at":"2026-01-15T08:30:00.000Z","name":"青岛测试","tags":["a"]},"note":"default"}',
    );
    expect(records[1]!.arguments).toBe('{"id":"r-1"}');
    expect((await verifyAuditChain(db, 'grid')).valid).toBe(true);
  });

  it('records nothing for a query, nor for a mutation field skipped by @skip', async () => {
    const before = (await verifyAuditChain(db, 'grid')).records;
    await post('{ ping }');
    await post(
      'mutation($s: Boolean!) { skipped: allow(input: { name: "x" }) @skip(if: $s) { id } kept: refuse(id: "2") { id } }',
      {
        s: true,
      },
    );
    const after = await verifyAuditChain(db, 'grid');
    expect(after.records).toBe(before + 1);
    expect((await newest(1))[0]).toMatchObject({ field: 'refuse', outcome: 'REFUSED' });
  });

  it('records a mutation whose variables do not coerce as FAILED, with what was sent', async () => {
    const res = await post('mutation Bad($id: ID!) { fail(id: $id) { id } }', { id: { not: 'an id' } });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await newest(1))[0]).toMatchObject({
      field: 'fail',
      operationName: 'Bad',
      outcome: 'FAILED',
      errorCode: 'BAD_USER_INPUT',
      arguments: '{"id":{"not":"an id"}}',
    });
  });

  it('logs a record it cannot write at error level, counts it, and still answers', async () => {
    // A schema without an audit_log table: every append fails.
    const broken = await start('nowhere');
    try {
      errorLines.length = 0;
      const res = await post(
        'mutation Lost { allow(input: { name: "kept in the log" }) { id } }',
        {},
        {
          [REQUEST_ID_HEADER]: 'audit-plugin-lost',
        },
        broken.url,
      );
      expect(res.data).toEqual({ allow: { id: 't-1' } });
      const line = errorLines.find((l) => l.msg === 'audit record not written');
      expect(line).toMatchObject({
        level: 50,
        auditSchema: 'nowhere',
        requestId: 'audit-plugin-lost',
        entries: [expect.objectContaining({ field: 'allow', sub: 'officer-42', outcome: 'ALLOWED' })],
      });
      expect((await broken.server.metrics.auditWriteFailures.get()).values[0]?.value).toBe(1);
    } finally {
      await broken.server.stop();
    }
  });
});
