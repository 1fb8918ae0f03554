import { createHash } from 'node:crypto';

/**
 * How a mutation root field ended: `ALLOWED` when its resolver returned, `REFUSED` when it was
 * refused for who the caller is (FORBIDDEN, UNAUTHENTICATED), `FAILED` for any other error.
 */
export type AuditOutcome = 'ALLOWED' | 'REFUSED' | 'FAILED';

/** Error codes that mean the caller was not allowed, rather than that the request was wrong. */
export const REFUSAL_CODES: ReadonlySet<string> = new Set(['FORBIDDEN', 'UNAUTHENTICATED']);

/** What the recorder knows about one executed mutation root field; the chain adds the rest. */
export interface AuditEntry {
  sub: string;
  role: string;
  district: string | null;
  subdistrict: string | null;
  grids: string[] | null;
  enterprise: string | null;
  agency: string | null;
  /** The root field's name (not its alias). */
  field: string;
  operationName: string | null;
  /** Canonical JSON of the field's arguments, capped by {@link auditArguments}. */
  arguments: string;
  outcome: AuditOutcome;
  /** `null` exactly when the outcome is `ALLOWED`. */
  errorCode: string | null;
  requestId: string | null;
}

/** One stored row of the log. */
export interface AuditRecord extends AuditEntry {
  /** Position in the chain: 1, 2, 3… without gaps. */
  sequence: number;
  recordedAt: Date;
  prevHash: string;
  hash: string;
}

/** The `prev_hash` of the first record. */
export const GENESIS_HASH = '0'.repeat(64);

/** Longest argument text kept whole; longer arguments are kept as a digest and a prefix. */
export const MAX_ARGUMENTS_CHARS = 8192;
const TRUNCATED_PREFIX_CHARS = 2048;

/** JSON with object keys sorted at every depth, so equal values always give the same text. */
export function canonicalJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(v).sort()) sorted[key] = (v as Record<string, unknown>)[key];
    return sorted;
  });
  return text ?? 'null';
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * The arguments as stored: their canonical JSON, or, past {@link MAX_ARGUMENTS_CHARS} (e.g. a
 * batch of a thousand detector readings), their size, SHA-256 and a prefix, so one request cannot
 * bloat the log while the record still pins down exactly what was sent.
 */
export function auditArguments(args: unknown): string {
  const text = canonicalJson(args);
  if (text.length <= MAX_ARGUMENTS_CHARS) return text;
  return canonicalJson({
    truncated: true,
    chars: text.length,
    sha256: sha256(text),
    prefix: text.slice(0, TRUNCATED_PREFIX_CHARS),
  });
}

/**
 * The hash of a record: SHA-256 (hex) over the previous record's hash, a newline, and a JSON
 * array of the record's fields in a fixed order. Every field an auditor reads is covered, so
 * changing any of them, or the order of records, breaks the chain.
 */
export function hashRecord(record: Omit<AuditRecord, 'hash'>): string {
  const fields = [
    record.sequence,
    record.recordedAt.toISOString(),
    record.sub,
    record.role,
    record.district,
    record.subdistrict,
    record.grids,
    record.enterprise,
    record.agency,
    record.field,
    record.operationName,
    record.arguments,
    record.outcome,
    record.errorCode,
    record.requestId,
  ];
  return sha256(`${record.prevHash}\n${JSON.stringify(fields)}`);
}
