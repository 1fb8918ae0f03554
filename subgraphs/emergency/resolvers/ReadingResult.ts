import type { EmergencyContext } from '../context';
import type { ReadingOutcome } from '../ingest';
import type { NoArgs } from './types';

export const ReadingResult = {
  /** Read after the batch committed; one statement for every alarm of the response. */
  alarm: (r: ReadingOutcome, _: NoArgs, ctx: EmergencyContext) =>
    r.alarmId ? ctx.loaders.alarmById.load(r.alarmId) : null,
};
