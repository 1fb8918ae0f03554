import type { Queryable } from '../../../common/db';
import { inArea } from './area';
import type { Area } from './area';
import type { RiskLevel, RiskPointRow } from './rows';

const COLUMNS = `id, enterprise_id AS "enterpriseId", name, level, method, score, factors,
  control_measures AS "controlMeasures", control_tier AS "controlTier", assessed_at AS "assessedAt",
  assessed_by AS "assessedBy", agency_id AS "agencyId"`;

/** Every risk point of the given enterprises in `area`, most severe first. */
export function riskPointsByEnterpriseIds(
  db: Queryable,
  enterpriseIds: readonly string[],
  area: Area,
): Promise<RiskPointRow[]> {
  const params: unknown[] = [enterpriseIds];
  return db.query<RiskPointRow>(
    `SELECT ${COLUMNS} FROM supervision.risk_point
     WHERE enterprise_id = ANY($1::uuid[]) AND ${inArea(area, params, { enterprise: 'enterprise_id' })}
     ORDER BY array_position(ARRAY['MAJOR', 'SIGNIFICANT', 'GENERAL', 'LOW'], level), name, id`,
    params,
  );
}

export async function riskPointById(db: Queryable, id: string): Promise<RiskPointRow | null> {
  const [row] = await db.query<RiskPointRow>(
    `SELECT ${COLUMNS} FROM supervision.risk_point WHERE id = $1::uuid`,
    [id],
  );
  return row ?? null;
}

export interface RiskAssessmentRecord {
  enterpriseId: string;
  name: string;
  level: RiskLevel;
  method: string;
  score: number;
  factors: object;
  controlMeasures: string[];
  controlTier: string;
  assessedBy: string;
  /** The contracted agency that made the assessment, if one did. */
  agencyId: string | null;
}

export async function insertRiskPoint(db: Queryable, r: RiskAssessmentRecord): Promise<RiskPointRow> {
  const [row] = await db.query<RiskPointRow>(
    `INSERT INTO supervision.risk_point
       (enterprise_id, name, level, method, score, factors, control_measures, control_tier, assessed_by, agency_id)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::text[], $8, $9, $10::uuid) RETURNING ${COLUMNS}`,
    [
      r.enterpriseId,
      r.name,
      r.level,
      r.method,
      r.score,
      JSON.stringify(r.factors),
      r.controlMeasures,
      r.controlTier,
      r.assessedBy,
      r.agencyId,
    ],
  );
  return row!;
}

/** A re-assessment replaces the grade, inputs and measures and stamps a new assessment time. */
export async function updateRiskPoint(
  db: Queryable,
  id: string,
  r: RiskAssessmentRecord,
): Promise<RiskPointRow> {
  const [row] = await db.query<RiskPointRow>(
    `UPDATE supervision.risk_point SET name = $2, level = $3, method = $4, score = $5, factors = $6::jsonb,
       control_measures = $7::text[], control_tier = $8, assessed_by = $9, agency_id = $10::uuid, assessed_at = now()
     WHERE id = $1::uuid RETURNING ${COLUMNS}`,
    [
      id,
      r.name,
      r.level,
      r.method,
      r.score,
      JSON.stringify(r.factors),
      r.controlMeasures,
      r.controlTier,
      r.assessedBy,
      r.agencyId,
    ],
  );
  return row!;
}
