import { join } from 'node:path';
import { migrate } from '../common/db';
import type { Db, MigrationResult } from '../common/db';
import type { SubgraphName } from './catalog';

/** Each subgraph owns one PostgreSQL schema, named after it, and its own migrations folder. */
export const migrationsDir = (name: SubgraphName): string => join(__dirname, name, 'migrations');

export function migrateSubgraph(name: SubgraphName, db: Db): Promise<MigrationResult> {
  return migrate(db, name, migrationsDir(name));
}
