import type { Db } from '../../../common/db';
import { createLogger } from '../../../common/logger';
import { openTestEngine } from '../../../test/harness/database';
import { migrateSubgraph } from '../../database';
import { loadEmergencyConfig } from '../config';
import { createEmergencyServer } from '../server';
import { FIXTURE } from './fixture';
import { SUBGRAPH_TEST_ENV, callerHeaders } from '../../../test/harness/auth';
import type { Caller } from '../../../common/auth';

export interface GqlResponse {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

export interface EmergencyUnderTest {
  /** The handle the server uses: its statement counter measures requests. */
  db: Db;
  /** Base URL of the server (no path), for its non-GraphQL routes. */
  baseUrl: string;
  /** Runs an operation as `caller` (a city administrator unless given), signed as the gateway signs it. */
  gql(query: string, variables?: Record<string, unknown>, caller?: Caller): Promise<GqlResponse>;
  /** The data of a request that must succeed. */
  data(query: string, variables?: Record<string, unknown>): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** A fresh database with the fixture, and the real server over it on a free port, spoken to over HTTP. */
export async function startEmergency(): Promise<EmergencyUnderTest> {
  const engine = await openTestEngine();
  const db = engine.handle();
  await migrateSubgraph('emergency', db);
  await db.exec(FIXTURE);
  const server = await createEmergencyServer(loadEmergencyConfig({ ...SUBGRAPH_TEST_ENV }), {
    db,
    logger: createLogger('emergency', 'silent'),
  });
  const url = await server.listen(0);

  const gql = async (
    query: string,
    variables: Record<string, unknown> = {},
    caller?: Caller,
  ): Promise<GqlResponse> => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...callerHeaders(caller) },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as GqlResponse;
  };
  return {
    db,
    baseUrl: new URL(url).origin,
    gql,
    async data(query, variables) {
      const res = await gql(query, variables);
      expect(res.errors).toBeUndefined();
      return res.data!;
    },
    async close() {
      await server.stop();
      await engine.close();
    },
  };
}
