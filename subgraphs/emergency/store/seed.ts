import type { Db } from '../../../common/db';
import { insertRows } from '../../../common/db';
import type { EmergencySlice } from '../../seed/types';

/** Inserts the emergency slice of the seed in one transaction, parents before children. */
export function insertEmergencySeed(db: Db, slice: EmergencySlice): Promise<void> {
  return db.transaction(async (tx) => {
    await insertRows(tx, 'emergency.fire_station', slice.fire_station);
    await insertRows(tx, 'emergency.device', slice.device);
    await insertRows(tx, 'emergency.alarm', slice.alarm);
    await insertRows(tx, 'emergency.alarm_event', slice.alarm_event, [
      'alarm_id',
      'from_status',
      'to_status',
      'actor',
      'note',
      'at',
    ]);
  });
}
