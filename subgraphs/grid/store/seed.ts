import type { Db } from '../../../common/db';
import { insertRows } from '../../../common/db';
import type { GridSlice } from '../../seed/types';

/**
 * Inserts the grid slice of the seed in one transaction, parents before children: the area tree
 * parents first and large grids before the small grids inside them (the slice is in that order).
 */
export function insertGridSeed(db: Db, slice: GridSlice): Promise<void> {
  return db.transaction(async (tx) => {
    await insertRows(tx, 'grid.admin_area', slice.admin_area);
    await insertRows(tx, 'grid.grid', slice.grid);
    await insertRows(tx, 'grid.member', slice.member);
    await insertRows(tx, 'grid.assignment', slice.assignment);
    await insertRows(tx, 'grid.patrol', slice.patrol);
    await insertRows(tx, 'grid.clue', slice.clue ?? []);
    await insertRows(tx, 'grid.clue_event', slice.clue_event ?? [], [
      'clue_id',
      'action',
      'from_status',
      'to_status',
      'actor',
      'note',
      'at',
    ]);
  });
}
