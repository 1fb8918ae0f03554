import type { Queryable } from '../../../common/db';
import type { InspectionRow } from './rows';

const COLUMNS = `id, enterprise_id AS "enterpriseId", conducted_at AS "conductedAt", kind, inspectors, findings, result, task_id AS "taskId"`;

export function inspectionsByEnterpriseIds(
  db: Queryable,
  enterpriseIds: readonly string[],
): Promise<InspectionRow[]> {
  return db.query<InspectionRow>(
    `SELECT ${COLUMNS} FROM supervision.inspection WHERE enterprise_id = ANY($1::uuid[])
     ORDER BY conducted_at DESC, id`,
    [enterpriseIds],
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
