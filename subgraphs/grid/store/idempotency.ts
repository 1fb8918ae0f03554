import type { Queryable } from '../../../common/db';

export interface StoredKey {
  operation: string;
  requestHash: string;
  result: unknown;
}

/**
 * Claims `key` for this transaction. Returns null when the key is new (the caller runs the
 * mutation and records its result), or the stored row of the first request. A concurrent request
 * with the same key waits on the primary key until the first one commits or rolls back.
 */
export async function claimKey(
  db: Queryable,
  key: string,
  operation: string,
  requestHash: string,
): Promise<StoredKey | null> {
  const claimed = await db.query(
    `INSERT INTO grid.idempotency_key (key, operation, request_hash) VALUES ($1, $2, $3)
     ON CONFLICT (key) DO NOTHING RETURNING key`,
    [key, operation, requestHash],
  );
  if (claimed.length) return null;
  const [row] = await db.query<StoredKey>(
    `SELECT operation, request_hash AS "requestHash", result FROM grid.idempotency_key WHERE key = $1`,
    [key],
  );
  return row!;
}

export async function storeResult(db: Queryable, key: string, result: unknown): Promise<void> {
  await db.query(`UPDATE grid.idempotency_key SET result = $2::jsonb WHERE key = $1`, [
    key,
    JSON.stringify(result),
  ]);
}
