import type { Queryable } from '../../../common/db';
import { inArea } from './area';
import type { Area } from './area';
import type { InspectionRow } from './rows';

const COLUMNS = `id, enterprise_id AS "enterpriseId", conducted_at AS "conductedAt", kind, inspectors, findings, result, task_id AS "taskId"`;

/** Every inspection of the given enterprises in `area`, most recent first. */
export function inspectionsByEnterpriseIds(
  db: Queryable,
  enterpriseIds: readonly string[],
  area: Area,
): Promise<InspectionRow[]> {
  const params: unknown[] = [enterpriseIds];
  return db.query<InspectionRow>(
    `SELECT ${COLUMNS} FROM supervision.inspection
     WHERE enterprise_id = ANY($1::uuid[]) AND ${inArea(area, params, { enterprise: 'enterprise_id' })}
     ORDER BY conducted_at DESC, id`,
    params,
  );
}

export interface NewInspection {
  enterpriseId: string;
  conductedAt: Date;
  kind: string;
  inspectors: string[];
  findings: string;
  result: string;
  taskId?: string | null;
}

export async function insertInspection(db: Queryable, i: NewInspection): Promise<InspectionRow> {
  const [row] = await db.query<InspectionRow>(
    `INSERT INTO supervision.inspection (enterprise_id, conducted_at, kind, inspectors, findings, result, task_id)
     VALUES ($1, $2, $3, $4::text[], $5, $6, $7) RETURNING ${COLUMNS}`,
    [i.enterpriseId, i.conductedAt, i.kind, i.inspectors, i.findings, i.result, i.taskId ?? null],
  );
  return row!;
}
