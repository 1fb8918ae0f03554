import { createHash } from 'node:crypto';
import type { Db, Queryable } from '../../../common/db';
import { AppError, ErrorCode, validationFailed } from '../../../common/errors';
import { claimKey, storeResult } from '../store/idempotency';

/** JSON with object keys sorted, so equal inputs hash equally whatever order the client sent. */
function canonical(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export const requestHash = (operation: string, input: unknown): string =>
  createHash('sha256').update(canonical({ operation, input })).digest('hex');

const MAX_KEY = 200;

/**
 * Runs a field mutation in one transaction, at most once per `idempotencyKey`: the first request's
 * result is stored with a hash of its operation and input; a repeat with the same key and input
 * returns that result and changes nothing; a repeat with another input (or for another operation)
 * is refused with IDEMPOTENCY_KEY_REUSED. A refused request stores nothing (its transaction rolls
 * back), so the client may retry it under the same key after fixing what was wrong. Without a key
 * the mutation simply runs.
 *
 * `authorize` runs first, on every request, repeats included: otherwise a caller from another
 * area who learnt a key and its input would be handed the stored result. What it returns (the
 * rows it had to read to decide) is passed to `run`.
 */
export function idempotent<T, A>(
  db: Db,
  key: string | null | undefined,
  operation: string,
  input: unknown,
  authorize: (tx: Queryable) => Promise<A>,
  run: (tx: Queryable, authorized: A) => Promise<T>,
): Promise<T> {
  if (key !== null && key !== undefined && (key.trim() === '' || key.length > MAX_KEY)) {
    throw validationFailed('idempotencyKey', `1 to ${MAX_KEY} characters`);
  }
  return db.transaction(async (tx) => {
    const authorized = await authorize(tx);
    if (key === null || key === undefined) return run(tx, authorized);
    const hash = requestHash(operation, input);
    const stored = await claimKey(tx, key, operation, hash);
    if (stored) {
      if (stored.operation !== operation || stored.requestHash !== hash) {
        throw new AppError(
          ErrorCode.IDEMPOTENCY_KEY_REUSED,
          `idempotencyKey ${JSON.stringify(key)} was used for a different ${stored.operation === operation ? 'input' : `operation (${stored.operation})`}`,
          { field: 'idempotencyKey' },
        );
      }
      return stored.result as T;
    }
    const result = await run(tx, authorized);
    await storeResult(tx, key, result);
    return result;
  });
}
