import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Umzug } from 'umzug';
import type { UmzugStorage } from 'umzug';
import type { Db, Queryable } from './types';

export interface MigrationResult {
  schema: string;
  applied: string[];
}

const FILE_PATTERN = /^\d{4}_[a-z0-9_]+\.sql$/;

/**
 * Applies the pending `NNNN_name.sql` files of `dir` to `schema`, all in one transaction under an
 * advisory lock, so replicas starting together apply each migration once and a failing file leaves
 * nothing half-done. A recorded migration whose file changed since is refused: migrations are
 * append-only.
 */
export async function migrate(db: Db, schema: string, dir: string): Promise<MigrationResult> {
  if (!/^[a-z_]+$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
  const files = readdirSync(dir)
    .filter((f) => FILE_PATTERN.test(f))
    .sort();
  const table = `${schema}.schema_migrations`;

  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`migrate:${schema}`]);
    await tx.exec(
      `CREATE SCHEMA IF NOT EXISTS ${schema};
       CREATE TABLE IF NOT EXISTS ${table} (
         name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const recorded = new Map(
      (await tx.query<{ name: string; checksum: string }>(`SELECT name, checksum FROM ${table}`)).map((r) => [
        r.name,
        r.checksum,
      ]),
    );
    const migrations = files.map((name) => {
      const sql = readFileSync(join(dir, name), 'utf8');
      const checksum = createHash('sha256').update(sql).digest('hex');
      const previous = recorded.get(name);
      if (previous !== undefined && previous !== checksum) {
        throw new Error(
          `migration ${schema}/${name} was changed after it was applied; add a new migration instead`,
        );
      }
      return { name, up: async ({ context }: { context: Queryable }) => context.exec(sql), checksum };
    });
    const checksums = new Map(migrations.map((m) => [m.name, m.checksum]));

    const storage: UmzugStorage<Queryable> = {
      executed: async () => [...recorded.keys()],
      logMigration: async ({ name, context }) => {
        await context.query(`INSERT INTO ${table} (name, checksum) VALUES ($1, $2)`, [
          name,
          checksums.get(name),
        ]);
      },
      unlogMigration: async ({ name, context }) => {
        await context.query(`DELETE FROM ${table} WHERE name = $1`, [name]);
      },
    };
    const umzug = new Umzug<Queryable>({ migrations, context: tx, storage, logger: undefined });
    const applied = await umzug.up();
    return { schema, applied: applied.map((m) => m.name) };
  });
}
