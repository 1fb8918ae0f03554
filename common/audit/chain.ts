import type { Db } from '../db';
import { GENESIS_HASH, hashRecord } from './record';
import type { AuditEntry, AuditRecord } from './record';

/** A subgraph's schema name; it is spliced into SQL, so only plain names pass. */
export function auditTable(schema: string): string {
  if (!/^[a-z_]+$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
  return `${schema}.audit_log`;
}

const COLUMNS = `seq, recorded_at, sub, role, district, subdistrict, grids, enterprise, agency, field,
  operation_name, arguments, outcome, error_code, request_id, prev_hash, hash`;

interface AuditRow {
  seq: number;
  recorded_at: Date;
  sub: string;
  role: string;
  district: string | null;
  subdistrict: string | null;
  grids: string[] | null;
  enterprise: string | null;
  agency: string | null;
  field: string;
  operation_name: string | null;
  arguments: string;
  outcome: AuditRecord['outcome'];
  error_code: string | null;
  request_id: string | null;
  prev_hash: string;
  hash: string;
}

const fromRow = (r: AuditRow): AuditRecord => ({
  sequence: r.seq,
  recordedAt: r.recorded_at,
  sub: r.sub,
  role: r.role,
  district: r.district,
  subdistrict: r.subdistrict,
  grids: r.grids,
  enterprise: r.enterprise,
  agency: r.agency,
  field: r.field,
  operationName: r.operation_name,
  arguments: r.arguments,
  outcome: r.outcome,
  errorCode: r.error_code,
  requestId: r.request_id,
  prevHash: r.prev_hash,
  hash: r.hash,
});

/**
 * Appends `entries`, in order, to the end of the schema's chain, in one transaction of three
 * statements. A transaction-scoped advisory lock per schema serialises appenders (replicas
 * included), so each one reads the head that the previous one committed and the chain never
 * forks. The lock and the head are read by separate statements on purpose: under READ COMMITTED
 * a statement's snapshot predates any lock it waits for, so a combined statement could read a
 * stale head.
 */
export async function appendAuditRecords(
  db: Db,
  schema: string,
  entries: readonly AuditEntry[],
): Promise<AuditRecord[]> {
  const table = auditTable(schema);
  if (entries.length === 0) return [];
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`audit:${schema}`]);
    // The database clock, read under the lock: one clock for all replicas, and times that never
    // go backwards along the chain. Milliseconds, so the JavaScript Date holds it exactly.
    const [head] = await tx.query<{ now: Date; seq: number | null; hash: string | null }>(
      `SELECT date_trunc('milliseconds', clock_timestamp()) AS now, h.seq, h.hash
         FROM (SELECT 1) AS one
         LEFT JOIN LATERAL (SELECT seq, hash FROM ${table} ORDER BY seq DESC LIMIT 1) AS h ON true`,
    );
    let sequence = head!.seq ?? 0;
    let prevHash = head!.hash ?? GENESIS_HASH;
    const records = entries.map((entry) => {
      sequence += 1;
      const unhashed = { ...entry, sequence, recordedAt: head!.now, prevHash };
      const record: AuditRecord = { ...unhashed, hash: hashRecord(unhashed) };
      prevHash = record.hash;
      return record;
    });
    const params: unknown[] = [];
    const rows = records.map((r) => {
      const values = [
        r.sequence,
        r.recordedAt,
        r.sub,
        r.role,
        r.district,
        r.subdistrict,
        r.grids,
        r.enterprise,
        r.agency,
        r.field,
        r.operationName,
        r.arguments,
        r.outcome,
        r.errorCode,
        r.requestId,
        r.prevHash,
        r.hash,
      ];
      const placeholders = values.map((v) => {
        params.push(v);
        return `$${params.length}`;
      });
      return `(${placeholders.join(', ')})`;
    });
    await tx.query(`INSERT INTO ${table} (${COLUMNS}) VALUES ${rows.join(', ')}`, params);
    return records;
  });
}

export interface AuditLogPage {
  /** Newest first. */
  records: AuditRecord[];
  /** The sequence number of the last record, as a string, to pass as `after`; null when empty. */
  endCursor: string | null;
  hasNextPage: boolean;
}

/** Up to `first` records, newest first, older than sequence `after` when given. */
export async function readAuditLog(
  db: Db,
  schema: string,
  options: { first: number; after?: number | null },
): Promise<AuditLogPage> {
  const rows = await db.query<AuditRow>(
    `SELECT ${COLUMNS} FROM ${auditTable(schema)}
      WHERE $1::bigint IS NULL OR seq < $1::bigint
      ORDER BY seq DESC LIMIT $2`,
    [options.after ?? null, options.first + 1],
  );
  const records = rows.slice(0, options.first).map(fromRow);
  return {
    records,
    endCursor: records.length ? String(records[records.length - 1]!.sequence) : null,
    hasNextPage: rows.length > options.first,
  };
}

export interface AuditChainVerification {
  /** Whether every record's link and hash verify and the sequence has no gap. */
  valid: boolean;
  /** Records walked: all of them. */
  records: number;
  /**
   * The first sequence number where the chain breaks: a record whose stored hash differs from its
   * recomputed one, or whose `prev_hash` is not the previous record's hash, or a missing number
   * (a deleted record). Null when valid.
   */
  firstBrokenSequence: number | null;
  /** Hash of the newest record (null when empty), to keep outside the database; see below. */
  headHash: string | null;
}

/**
 * Walks the chain from sequence 1 in batches, recomputing every hash. It detects any change to
 * a stored record, an inserted or deleted record, and reordering. It cannot, by itself, detect
 * the newest records being removed, or the whole chain being recomputed after an edit by
 * someone with write access: noting `headHash` elsewhere from time to time covers both.
 */
export async function verifyAuditChain(
  db: Db,
  schema: string,
  options: { batchSize?: number } = {},
): Promise<AuditChainVerification> {
  const table = auditTable(schema);
  const batchSize = options.batchSize ?? 1000;
  let records = 0;
  let firstBrokenSequence: number | null = null;
  let prevHash = GENESIS_HASH;
  let expected = 1;
  let last = 0;
  for (;;) {
    const rows = await db.query<AuditRow>(
      `SELECT ${COLUMNS} FROM ${table} WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [last, batchSize],
    );
    for (const row of rows) {
      const record = fromRow(row);
      records += 1;
      if (firstBrokenSequence === null) {
        const { hash, ...unhashed } = record;
        if (record.sequence !== expected) firstBrokenSequence = expected;
        else if (record.prevHash !== prevHash || hashRecord(unhashed) !== hash)
          firstBrokenSequence = record.sequence;
      }
      prevHash = record.hash;
      expected = record.sequence + 1;
      last = record.sequence;
    }
    if (rows.length < batchSize) break;
  }
  return {
    valid: firstBrokenSequence === null,
    records,
    firstBrokenSequence,
    headHash: records ? prevHash : null,
  };
}
