import { z } from 'zod';
import type { Queryable } from '../../../common/db';
import type { StreamEntry } from '../../../common/events/types';
import { isUuid } from '../../../common/loaders';
import { nextClueStatus } from '../domain/clueLifecycle';
import type { ClueAction } from '../domain/clueLifecycle';
import { appendClueEvent, lockClue, updateClue } from '../store/clues';
import type { ClueChange } from '../store/clues';
import type { EventHandlers } from '../../../common/events';

// What the enforcement platform sends on `enforcement` (see subgraphs/supervision/events/contract.ts).
const caseOpened = z.object({
  clueId: z.string(),
  taskId: z.string(),
  officer: z.string(),
  openedAt: z.string(),
});
const outcome = z.object({
  clueId: z.string(),
  taskId: z.string(),
  outcome: z.string(),
  decidedBy: z.string(),
  decidedAt: z.string(),
});

/** Takes, in order, those of `actions` that are legal from the clue's state at that point. */
async function advance(
  tx: Queryable,
  clueId: string,
  actions: readonly ClueAction[],
  by: string,
  note: string | null,
  change: ClueChange,
): Promise<void> {
  if (!isUuid(clueId)) return;
  const clue = await lockClue(tx, clueId);
  if (!clue) return; // a clue this platform never had: nothing to write back
  let status = clue.status;
  for (const action of actions) {
    const to = nextClueStatus(status, action);
    if (!to) continue; // already there (a redelivery or an out-of-order event): idempotent
    await updateClue(tx, clueId, to, change);
    await appendClueEvent(tx, {
      clueId,
      action,
      from: status,
      to,
      by,
      note: action === 'CLOSE' ? note : null,
    });
    status = to;
  }
}

/**
 * Events the grid platform consumes, by stream and type. Each runs inside the consumer's
 * transaction after the inbox row was recorded, and is idempotent on its own too: a step that is
 * no longer legal from the clue's state is skipped, so a replay changes nothing.
 */
export const handlers: EventHandlers = {
  enforcement: {
    /** An officer took the task: REFERRED → CASE_OPENED. */
    async ClueCaseOpened(tx: Queryable, entry: StreamEntry) {
      const e = caseOpened.parse(entry.payload);
      await advance(tx, e.clueId, ['OPEN_CASE'], e.officer, null, { taskId: e.taskId });
    },
    /** The decision: → CASE_OPENED (if the case-opened event has not arrived) → CLOSED with the outcome. */
    async ClueOutcome(tx: Queryable, entry: StreamEntry) {
      const e = outcome.parse(entry.payload);
      await advance(tx, e.clueId, ['OPEN_CASE', 'CLOSE'], e.decidedBy, e.outcome, {
        taskId: e.taskId,
        outcome: e.outcome,
        decidedAt: e.decidedAt,
      });
    },
  },
};
