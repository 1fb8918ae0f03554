import { rmSync } from 'node:fs';
import { adminQuery } from './database';
import { TEMPLATE_ENV } from './template';

export default async function globalTeardown(): Promise<void> {
  const template = process.env[TEMPLATE_ENV.pgTemplate];
  if (template) await adminQuery(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
  const snapshot = process.env[TEMPLATE_ENV.pgliteSnapshot];
  if (snapshot) rmSync(snapshot, { force: true });
}
