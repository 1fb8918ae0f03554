import type { Queryable } from '../../../common/db';

export interface AlarmFact {
  alarmId: string;
  deviceId: string;
  enterpriseId: string;
  gridId: string | null;
  districtCode: string;
  kind: string;
  severity: string;
  status: string;
  raisedAt: string;
  changedAt: string;
}

/** Upserts an alarm; an older change (out-of-order delivery) never overwrites a newer one. */
export async function upsertAlarm(db: Queryable, a: AlarmFact): Promise<void> {
  await db.query(
    `INSERT INTO supervision.alarm_projection AS p
       (alarm_id, device_id, enterprise_id, grid_id, district_code, kind, severity, status, raised_at, changed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (alarm_id) DO UPDATE SET status = excluded.status, severity = excluded.severity,
       changed_at = excluded.changed_at
     WHERE p.changed_at <= excluded.changed_at`,
    [
      a.alarmId,
      a.deviceId,
      a.enterpriseId,
      a.gridId,
      a.districtCode,
      a.kind,
      a.severity,
      a.status,
      a.raisedAt,
      a.changedAt,
    ],
  );
}

export interface ClueFact {
  clueId: string;
  enterpriseId: string | null;
  districtCode: string;
  gridId: string | null;
  category: string;
  status: 'RECTIFIED' | 'INVALID' | 'REFUSED' | 'REFERRED' | 'CASE_OPENED' | 'CLOSED';
  outcome?: string | null;
  at: string;
}

/**
 * Upserts a clue's state; a clue only moves forward (checked → referred → case opened → closed),
 * so a late or repeated event never moves it back. `refused` stays true once set.
 */
export async function upsertClue(db: Queryable, c: ClueFact): Promise<void> {
  await db.query(
    `INSERT INTO supervision.clue_projection AS p
       (clue_id, enterprise_id, district_code, grid_id, category, status, refused, outcome, checked_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $6 IN ('REFUSED', 'REFERRED', 'CASE_OPENED', 'CLOSED'), $7, $8, $8)
     ON CONFLICT (clue_id) DO UPDATE SET status = excluded.status, refused = p.refused OR excluded.refused,
       outcome = coalesce(excluded.outcome, p.outcome), updated_at = excluded.updated_at
     WHERE array_position(ARRAY['RECTIFIED', 'INVALID', 'REFUSED', 'REFERRED', 'CASE_OPENED', 'CLOSED'], excluded.status)
         > array_position(ARRAY['RECTIFIED', 'INVALID', 'REFUSED', 'REFERRED', 'CASE_OPENED', 'CLOSED'], p.status)`,
    [c.clueId, c.enterpriseId, c.districtCode, c.gridId, c.category, c.status, c.outcome ?? null, c.at],
  );
}

/** Records this platform's own step on a referred clue (the case opened, or its outcome). */
export async function advanceClue(
  db: Queryable,
  clueId: string,
  status: 'CASE_OPENED' | 'CLOSED',
  outcome: string | null,
): Promise<void> {
  await db.query(
    `UPDATE supervision.clue_projection SET status = $2, outcome = coalesce($3, outcome), updated_at = now()
     WHERE clue_id = $1::uuid AND status <> 'CLOSED'`,
    [clueId, status, outcome],
  );
}
