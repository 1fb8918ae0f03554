import { createHash } from 'node:crypto';
import type { Db, DbEngine } from '../../db';
import { openTestEngine } from '../../../test/harness/database';
import { migrateSubgraph } from '../../../subgraphs/database';
import { appendAuditRecords, readAuditLog, verifyAuditChain } from '../chain';
import { GENESIS_HASH, MAX_ARGUMENTS_CHARS, auditArguments, canonicalJson, hashRecord } from '../record';
import type { AuditEntry } from '../record';

const SCHEMA = 'grid';
let engine: DbEngine;
let db: Db;

beforeAll(async () => {
  engine = await openTestEngine();
  db = engine.handle();
  await migrateSubgraph(SCHEMA, db);
});
afterAll(() => engine.close());

const entry = (overrides: Partial<AuditEntry> = {}): AuditEntry => ({
  sub: 'officer-7',
  role: 'GRID_MEMBER',
  district: '370203',
  subdistrict: null,
  grids: ['00000000-0000-4000-8000-000000000001'],
  enterprise: null,
  agency: null,
  field: 'reportClue',
  operationName: 'Report',
  arguments: auditArguments({ input: { text: '消防通道堵塞', category: 'BLOCKED_EXIT' } }),
  outcome: 'ALLOWED',
  errorCode: null,
  requestId: 'req-1',
  ...overrides,
});

const rows = () =>
  db.query<{ seq: number; prev_hash: string; hash: string }>(
    `SELECT seq, prev_hash, hash FROM ${SCHEMA}.audit_log ORDER BY seq`,
  );

/** Runs `sql` with the append-only triggers off, as only the table's owner can. */
const asOwnerBypassingTriggers = (sql: string) =>
  db.exec(
    `ALTER TABLE ${SCHEMA}.audit_log DISABLE TRIGGER USER; ${sql}; ALTER TABLE ${SCHEMA}.audit_log ENABLE TRIGGER USER`,
  );

describe('the audit chain', () => {
  it('starts empty and valid', async () => {
    expect(await verifyAuditChain(db, SCHEMA)).toEqual({
      valid: true,
      records: 0,
      firstBrokenSequence: null,
      headHash: null,
    });
  });

  it('appends records numbered from 1, each linked to the one before by its hash', async () => {
    const written = await appendAuditRecords(db, SCHEMA, [
      entry(),
      entry({ field: 'referClue', outcome: 'REFUSED', errorCode: 'FORBIDDEN' }),
    ]);
    await appendAuditRecords(db, SCHEMA, [entry({ outcome: 'FAILED', errorCode: 'VALIDATION_FAILED' })]);

    expect(written.map((r) => r.sequence)).toEqual([1, 2]);
    expect(written[0]!.prevHash).toBe(GENESIS_HASH);
    expect(written[1]!.prevHash).toBe(written[0]!.hash);
    const stored = await rows();
    expect(stored.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(stored[2]!.prev_hash).toBe(stored[1]!.hash);

    // The hash is reproducible from the fields alone, as documented.
    const { hash, ...fields } = written[0]!;
    const canonical = JSON.stringify([
      1,
      fields.recordedAt.toISOString(),
      'officer-7',
      'GRID_MEMBER',
      '370203',
      null,
      ['00000000-0000-4000-8000-000000000001'],
      null,
      null,
      'reportClue',
      'Report',
      fields.arguments,
      'ALLOWED',
      null,
      'req-1',
    ]);
    expect(hash).toBe(createHash('sha256').update(`${GENESIS_HASH}\n${canonical}`).digest('hex'));
    expect(hashRecord(fields)).toBe(hash);

    expect(await verifyAuditChain(db, SCHEMA)).toEqual({
      valid: true,
      records: 3,
      firstBrokenSequence: null,
      headHash: stored[2]!.hash,
    });
  });

  it('reads records newest first, page by page', async () => {
    const first = await readAuditLog(db, SCHEMA, { first: 2 });
    expect(first.records.map((r) => r.sequence)).toEqual([3, 2]);
    expect(first).toMatchObject({ endCursor: '2', hasNextPage: true });
    expect(first.records[1]).toMatchObject({
      field: 'referClue',
      outcome: 'REFUSED',
      errorCode: 'FORBIDDEN',
    });
    const second = await readAuditLog(db, SCHEMA, { first: 2, after: 2 });
    expect(second.records.map((r) => r.sequence)).toEqual([1]);
    expect(second).toMatchObject({ endCursor: '1', hasNextPage: false });
  });

  it('never forks under concurrent appends', async () => {
    const before = (await rows()).length;
    // Separate handles, so on PostgreSQL the appends run on separate pooled connections at once.
    await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        appendAuditRecords(engine.handle(), SCHEMA, [
          entry({ requestId: `c-${i}` }),
          entry({ requestId: `c-${i}`, field: 'startClueCheck' }),
        ]),
      ),
    );
    const stored = await rows();
    expect(stored).toHaveLength(before + 48);
    expect(stored.map((r) => r.seq)).toEqual(stored.map((_, i) => i + 1));
    // A fork would show as two records naming the same predecessor.
    expect(new Set(stored.map((r) => r.prev_hash)).size).toBe(stored.length);
    stored.forEach((r, i) => expect(r.prev_hash).toBe(i === 0 ? GENESIS_HASH : stored[i - 1]!.hash));
    // A small batch size walks the chain across several pages.
    expect(await verifyAuditChain(db, SCHEMA, { batchSize: 7 })).toMatchObject({
      valid: true,
      records: stored.length,
    });
  });

  it.each([
    ['UPDATE', `UPDATE ${SCHEMA}.audit_log SET sub = 'someone-else' WHERE seq = 2`],
    ['DELETE', `DELETE FROM ${SCHEMA}.audit_log WHERE seq = 2`],
    ['TRUNCATE', `TRUNCATE ${SCHEMA}.audit_log`],
  ])('refuses %s in the database', async (op, sql) => {
    const before = await rows();
    await expect(db.query(sql)).rejects.toThrow(`audit_log is append-only: ${op} refused`);
    expect(await rows()).toEqual(before);
  });

  it('finds a hand-edited record at its sequence number, and verifies again once it is restored', async () => {
    const [original] = await db.query<{ sub: string }>(`SELECT sub FROM ${SCHEMA}.audit_log WHERE seq = 5`);
    await asOwnerBypassingTriggers(`UPDATE ${SCHEMA}.audit_log SET sub = 'someone-else' WHERE seq = 5`);
    expect(await verifyAuditChain(db, SCHEMA, { batchSize: 3 })).toMatchObject({
      valid: false,
      firstBrokenSequence: 5,
    });
    await asOwnerBypassingTriggers(`UPDATE ${SCHEMA}.audit_log SET sub = '${original!.sub}' WHERE seq = 5`);
    expect(await verifyAuditChain(db, SCHEMA)).toMatchObject({ valid: true, firstBrokenSequence: null });
  });

  it('finds a record whose hash was recomputed after the edit at the next link', async () => {
    const [row] = await db.query<{ prev_hash: string }>(
      `SELECT prev_hash FROM ${SCHEMA}.audit_log WHERE seq = 8`,
    );
    const stored = (await readAuditLog(db, SCHEMA, { first: 1, after: 9 })).records[0]!;
    const { hash: _hash, ...fields } = { ...stored, role: 'CITY_ADMIN' };
    await asOwnerBypassingTriggers(
      `UPDATE ${SCHEMA}.audit_log SET role = 'CITY_ADMIN', hash = '${hashRecord({ ...fields, prevHash: row!.prev_hash })}' WHERE seq = 8`,
    );
    expect(await verifyAuditChain(db, SCHEMA)).toMatchObject({ valid: false, firstBrokenSequence: 9 });
  });

  it('finds a deleted record at the missing number', async () => {
    await asOwnerBypassingTriggers(`DELETE FROM ${SCHEMA}.audit_log WHERE seq IN (3, 4)`);
    // The break at 3 comes before the one at 9 left by the previous test.
    expect(await verifyAuditChain(db, SCHEMA)).toMatchObject({ valid: false, firstBrokenSequence: 3 });
  });
});

describe('audit arguments', () => {
  it('are JSON with keys sorted at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}',
    );
    expect(auditArguments({ when: new Date('2026-01-15T08:30:00.000Z') })).toBe(
      '{"when":"2026-01-15T08:30:00.000Z"}',
    );
  });

  it('keep size, digest and a prefix of an oversized value, never the whole', () => {
    const readings = Array.from({ length: 1000 }, (_, i) => ({ deviceId: `device-${i}`, value: i }));
    const full = canonicalJson({ readings });
    expect(full.length).toBeGreaterThan(MAX_ARGUMENTS_CHARS);
    const kept = JSON.parse(auditArguments({ readings })) as Record<string, unknown>;
    expect(kept).toEqual({
      truncated: true,
      chars: full.length,
      sha256: createHash('sha256').update(full).digest('hex'),
      prefix: full.slice(0, 2048),
    });
  });
});
