/** What the supervision subgraph tests share: the real server on a fresh, migrated database. */
import type { Caller } from '../../../common/auth';
import { tableDigests } from '../../../test/harness/digest';
import type { Db, DbEngine } from '../../../common/db';
import type { SubgraphServer } from '../../../common/http/subgraphServer';
import { createLogger } from '../../../common/logger';
import { openTestEngine } from '../../../test/harness/database';
import { migrateSubgraph } from '../../database';
import { loadSupervisionConfig } from '../config';
import { creditCodeCheckChar } from '../domain/creditCode';
import { createSupervisionServer } from '../server';
import { CITY_ADMIN, SUBGRAPH_TEST_ENV, callerHeaders } from '../../../test/harness/auth';

export const id = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A valid credit code of district `district` with organisation number `seq`. */
export const creditCode = (seq: string, district = '370203'): string => {
  const first17 = `91${district}${seq.padStart(9, '0')}`;
  return first17 + creditCodeCheckChar(first17);
};

export interface GqlResult {
  data?: Record<string, any> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** Every call runs as `caller`, a city administrator unless given (signed as the gateway signs it). */
export interface TestSubgraph {
  db: Db;
  gql(query: string, variables?: Record<string, unknown>, caller?: Caller): Promise<GqlResult>;
  /** Runs the operation and expects no error. */
  data(query: string, variables?: Record<string, unknown>, caller?: Caller): Promise<Record<string, any>>;
  /** Expects exactly one error with `code` (and `field`), and the listed tables unchanged; returns its message. */
  expectRefused(
    query: string,
    variables: Record<string, unknown>,
    code: string,
    field?: string,
    caller?: Caller,
  ): Promise<string>;
  stop(): Promise<void>;
}

export async function startSupervision(
  fixture: string,
  tables: readonly string[],
  env: Record<string, string> = {},
): Promise<TestSubgraph> {
  const engine: DbEngine = await openTestEngine();
  const db = engine.handle();
  await migrateSubgraph('supervision', db);
  if (fixture) await db.exec(fixture);
  const server: SubgraphServer = await createSupervisionServer(
    loadSupervisionConfig({ ...SUBGRAPH_TEST_ENV, ...env }),
    {
      db,
      logger: createLogger('supervision', 'silent'),
    },
  );
  const url = await server.listen(0);
  const gql = async (
    query: string,
    variables: Record<string, unknown> = {},
    caller: Caller = CITY_ADMIN,
  ): Promise<GqlResult> => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...callerHeaders(caller) },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as GqlResult;
  };
  const data = async (query: string, variables: Record<string, unknown> = {}, caller?: Caller) => {
    const res = await gql(query, variables, caller);
    expect(res.errors).toBeUndefined();
    return res.data!;
  };
  const snapshot = () => tableDigests(db, tables);
  return {
    db,
    gql,
    data,
    async expectRefused(query, variables, code, field, caller) {
      const before = await snapshot();
      const res = await gql(query, variables, caller);
      expect((res.errors ?? []).map((e) => e.extensions?.code)).toEqual([code]);
      if (field) expect(res.errors![0]!.extensions!.field).toBe(field);
      expect(await snapshot()).toEqual(before);
      return res.errors![0]!.message;
    },
    async stop() {
      await server.stop();
      await engine.close();
    },
  };
}
