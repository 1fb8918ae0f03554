import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminQuery } from './database';
import { testEnv } from './env';
import { TEMPLATE_ENV, buildPgliteSnapshot, buildPostgresTemplate } from './template';

// Runs once before all test files; what it puts in process.env reaches every jest worker.
export default async function globalSetup(): Promise<void> {
  const now = new Date();
  process.env[TEMPLATE_ENV.seededAt] = now.toISOString();
  if (testEnv.databaseUrl) {
    process.env[TEMPLATE_ENV.pgTemplate] = await buildPostgresTemplate(testEnv.databaseUrl, adminQuery, now);
  } else {
    const file = join(tmpdir(), `qsg-test-snapshot-${process.pid}.tar`);
    writeFileSync(file, Buffer.from(await (await buildPgliteSnapshot(now)).arrayBuffer()));
    process.env[TEMPLATE_ENV.pgliteSnapshot] = file;
  }
}
