import type { Db } from '../../../common/db';
import { insertRows } from '../../../common/db';
import type { SupervisionSlice } from '../../seed/types';

/** Whether the register holds any enterprise: the seed's "already seeded" marker. */
export async function isSupervisionSeeded(db: Db): Promise<boolean> {
  const [row] = await db.query<{ seeded: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM supervision.enterprise) AS seeded',
  );
  return row!.seeded;
}

/** Inserts the supervision slice of the seed in one transaction, parents before children. */
export function insertSupervisionSeed(db: Db, slice: SupervisionSlice): Promise<void> {
  return db.transaction(async (tx) => {
    await insertRows(tx, 'supervision.enterprise', slice.enterprise);
    await insertRows(tx, 'supervision.service_agency', slice.service_agency ?? []);
    await insertRows(tx, 'supervision.agency_contract', slice.agency_contract ?? []);
    await insertRows(tx, 'supervision.agency_rating', slice.agency_rating ?? []);
    await insertRows(tx, 'supervision.risk_point', slice.risk_point);
    await insertRows(tx, 'supervision.hazard', slice.hazard);
    await insertRows(tx, 'supervision.hazard_event', slice.hazard_event, [
      'hazard_id',
      'action',
      'from_status',
      'to_status',
      'actor',
      'note',
      'at',
    ]);
    await insertRows(tx, 'supervision.alarm_projection', slice.alarm_projection ?? []);
    await insertRows(tx, 'supervision.clue_projection', slice.clue_projection ?? []);
    await insertRows(tx, 'supervision.enforcement_task', slice.enforcement_task ?? []);
    await insertRows(tx, 'supervision.inspection', slice.inspection);
  });
}
