import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPgliteEngine, createPostgresEngine } from '../../common/db';
import type { DbEngine } from '../../common/db';
import { testEnv } from './env';

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Runs one administrative statement (CREATE/DROP DATABASE) on the configured server. */
export async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: testEnv.databaseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, empty database for one test file: a new PostgreSQL database on the configured server
 * (dropped again on close), or an in-memory PGlite. Optionally cloned from a template database /
 * PGlite snapshot, which is how suites skip re-running migrations and seeds.
 */
export async function openTestEngine(template?: {
  pgTemplate?: string;
  pgliteSnapshot?: Blob;
}): Promise<DbEngine> {
  if (!testEnv.databaseUrl) {
    return createPgliteEngine(template?.pgliteSnapshot ? { loadDataDir: template.pgliteSnapshot } : {});
  }
  const name = `qsg_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await adminQuery(
    `CREATE DATABASE ${name}${template?.pgTemplate ? ` TEMPLATE ${template.pgTemplate}` : ''}`,
  );
  const engine = createPostgresEngine({
    connectionString: withDatabase(testEnv.databaseUrl, name),
    maxConnections: 5,
  });
  return {
    ...engine,
    close: async () => {
      await engine.close();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
