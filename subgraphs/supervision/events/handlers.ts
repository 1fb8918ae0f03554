import { z } from 'zod';
import type { Queryable } from '../../../common/db';
import type { StreamEntry } from '../../../common/events/types';
import { isUuid } from '../../../common/loaders';
import { addDays, shanghaiDay } from '../../../common/time';
import { DEFAULT_HAZARD_DEADLINE_DAYS } from '../config';
import { WHOLE_CITY } from '../store/area';
import { enterprisesByIds } from '../store/enterprises';
import { insertTask } from '../store/enforcement';
import { appendHazardEvent, insertHazardOnce } from '../store/hazards';
import { upsertAlarm, upsertClue } from '../store/projections';
import type { EventHandlers } from '../../../common/events';

// Payloads as the producers document them (subgraphs/grid/events/contract.ts; the emergency
// platform's alarm events). Parsed, not trusted: a malformed entry fails its delivery loudly.
const uuid = z.string().refine(isUuid, 'a uuid');
const instant = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO-8601 instant');

const alarm = z.object({
  alarmId: uuid,
  deviceId: uuid,
  enterpriseId: uuid,
  gridId: uuid.nullish(),
  districtCode: z.string(),
  kind: z.string(),
  severity: z.string(),
  status: z.string(),
  raisedAt: instant,
  changedAt: instant,
});

const clueChecked = z.object({
  clueId: uuid,
  enterpriseId: uuid.nullish(),
  districtCode: z.string(),
  gridId: uuid.nullish(),
  category: z.string(),
  outcome: z.enum(['RECTIFIED', 'INVALID', 'REFUSED']),
  checkedAt: instant,
});

const clueReferred = z.object({
  clueId: uuid,
  enterpriseId: uuid,
  districtCode: z.string(),
  gridId: uuid.nullish(),
  category: z.string(),
  text: z.string(),
  explanation: z.string().nullish(),
  reason: z.string(),
  referredBy: z.string(),
  referredAt: instant,
});

const patrolHazard = z.object({
  patrolId: uuid,
  enterpriseId: uuid,
  memberName: z.string(),
  description: z.string().min(1),
  level: z.enum(['GENERAL', 'MAJOR']),
  foundAt: instant,
});

async function onAlarm(tx: Queryable, entry: StreamEntry): Promise<void> {
  const a = alarm.parse(entry.payload);
  await upsertAlarm(tx, { ...a, gridId: a.gridId ?? null });
}

/**
 * Events the supervision platform consumes, by stream and type. Each runs in the consumer's
 * transaction after the inbox row was recorded, and is idempotent on its own as well: projections
 * are upserts that never move backwards, a task's id is its source, a patrol's hazard its origin.
 */
export const handlers: EventHandlers = {
  alarms: {
    /** Keeps the projection of recent alarms per enterprise (ranking, statistics, the risk map). */
    AlarmRaised: onAlarm,
    AlarmUpdated: onAlarm,
  },
  clues: {
    /** The on-site check's outcome, for the district's statistics and the refusal count. */
    async ClueChecked(tx, entry) {
      const c = clueChecked.parse(entry.payload);
      await upsertClue(tx, {
        clueId: c.clueId,
        enterpriseId: c.enterpriseId ?? null,
        districtCode: c.districtCode,
        gridId: c.gridId ?? null,
        category: c.category,
        status: c.outcome,
        at: c.checkedAt,
      });
    },
    /**
     * A refused clue becomes an enforcement task of the enterprise's district (the clue's district
     * when the register does not know the enterprise): one task per clue however often it arrives.
     */
    async ClueReferred(tx, entry) {
      const c = clueReferred.parse(entry.payload);
      await upsertClue(tx, {
        clueId: c.clueId,
        enterpriseId: c.enterpriseId,
        districtCode: c.districtCode,
        gridId: c.gridId ?? null,
        category: c.category,
        status: 'REFERRED',
        at: c.referredAt,
      });
      const [enterprise] = await enterprisesByIds(tx, [c.enterpriseId], WHOLE_CITY);
      await insertTask(tx, {
        id: `CLUE:${c.clueId}`,
        kind: 'CLUE',
        sourceRefs: [c.clueId],
        districtCode: enterprise?.districtCode ?? c.districtCode,
        enterpriseId: c.enterpriseId,
        reason: `网格线索拒不整改，提请执法：${c.text}（${c.reason}）`,
      });
    },
  },
  patrols: {
    /** A hazard found on a patrol is recorded as a GRID_PATROL hazard, once per patrol. */
    async PatrolHazardFound(tx, entry) {
      const p = patrolHazard.parse(entry.payload);
      const [enterprise] = await enterprisesByIds(tx, [p.enterpriseId], WHOLE_CITY);
      if (!enterprise) return; // not in the register: nothing to attach the hazard to
      const deadline = addDays(shanghaiDay(new Date(p.foundAt)), DEFAULT_HAZARD_DEADLINE_DAYS[p.level]);
      const hazard = await insertHazardOnce(tx, {
        enterpriseId: p.enterpriseId,
        description: p.description,
        level: p.level,
        source: 'GRID_PATROL',
        foundBy: p.memberName,
        foundAt: p.foundAt,
        deadline,
        originRef: `patrol:${p.patrolId}`,
      });
      if (hazard)
        await appendHazardEvent(tx, {
          hazardId: hazard.id,
          action: 'REPORT',
          from: null,
          to: 'REPORTED',
          by: p.memberName,
          note: `网格巡查发现 (patrol ${p.patrolId})`,
        });
    },
  },
};
