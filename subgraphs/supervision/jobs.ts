import type { Db } from '../../common/db';
import { shanghaiDay } from '../../common/time';
import { escalateOverdue } from './store/hazards';

/**
 * 督办, the periodic side of the hazard lifecycle: marks every open hazard past its deadline on
 * `now`'s calendar day (Asia/Shanghai) as escalated, once, with an ESCALATE step in its history.
 * Runs in the background of every supervision replica (see subgraphs/background.ts) and behind the
 * `escalateOverdueHazards` mutation; a second run the same day escalates nothing, and concurrent
 * runs serialise on the hazards' rows.
 */
export function escalateOverdueHazards(db: Db, now: Date, district: string | null) {
  return db.transaction((tx) => escalateOverdue(tx, shanghaiDay(now), district));
}
