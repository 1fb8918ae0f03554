import type { Queryable } from '../../../common/db';
import { shanghaiDay } from '../../../common/time';
import { RECENT_ALARM_DAYS, compareTasks, describeFactors, priority } from '../domain/priority';
import type { PriorityFactors } from '../domain/priority';
import { activeTasks, deriveCandidates, rankingFactors } from '../store/enforcement';
import type { Candidate, DeriveWindow, TaskRow } from '../store/enforcement';

/** A task as the API shows it: the row (or derived candidate) with its live priority. */
export interface TaskView extends TaskRow {
  priority: number;
  factors: PriorityFactors;
  reasons: string[];
}

const DAY = 86_400_000;

/** The time windows the queue is computed over, for a district at `now`. */
export function windowAt(district: string, now: Date): DeriveWindow {
  const today = shanghaiDay(now);
  const year = Number(today.slice(0, 4));
  return {
    district,
    today,
    alarmsSince: new Date(now.getTime() - RECENT_ALARM_DAYS * DAY),
    year,
    yearStart: new Date(`${year}-01-01T00:00:00+08:00`),
    yearEnd: new Date(`${year + 1}-01-01T00:00:00+08:00`),
  };
}

/** Why a derived candidate exists, in the words an officer reads. */
export function candidateReason(c: Candidate): string {
  switch (c.kind) {
    case 'HAZARD':
      return `${c.detail.level === 'MAJOR' ? '重大隐患' : '隐患逾期未整改'}：${c.detail.description}（整改期限 ${c.detail.deadline}）`;
    case 'REPEATED_ALARMS':
      return `近${RECENT_ALARM_DAYS}天报警 ${c.detail.alarms} 次 (repeated alarms)`;
    case 'INSPECTION_TARGET':
      return `重点企业年内执法检查 ${c.detail.inspections}/2 次 (key enterprise under-inspected)`;
    case 'CLUE':
      return '网格线索拒不整改 (referred clue)';
  }
}

export const candidateTask = (c: Candidate, district: string, now: Date): TaskRow => ({
  id: c.id,
  kind: c.kind,
  sourceRefs: c.sourceRefs,
  districtCode: district,
  enterpriseId: c.enterpriseId,
  reason: candidateReason(c),
  status: 'OPEN',
  createdAt: now,
  takenBy: null,
  takenAt: null,
  closedAt: null,
  persisted: false,
});

/** Adds each task's priority from its enterprise's current factors (one statement for all). */
export async function rankTasks(db: Queryable, tasks: readonly TaskRow[], now: Date): Promise<TaskView[]> {
  if (!tasks.length) return [];
  const w = windowAt('', now);
  const ids = [...new Set(tasks.map((t) => t.enterpriseId))];
  const rows = await rankingFactors(db, ids, w.today, now, w.alarmsSince);
  const byId = new Map(rows.map((r) => [r.enterpriseId, r]));
  return tasks.map((t) => {
    const r = byId.get(t.enterpriseId);
    // A hazard task counts its own hazard's delay; other tasks the enterprise's worst.
    const overdueDays =
      t.kind === 'HAZARD' ? (r?.overdue?.[t.sourceRefs[0]!] ?? 0) : (r?.maxOverdueDays ?? 0);
    const factors: PriorityFactors = {
      riskLevel: r?.riskLevel ?? null,
      overdueDays,
      refusals: r?.refusals ?? 0,
      recentAlarms: r?.recentAlarms ?? 0,
      daysSinceInspection: r ? r.daysSinceInspection : null,
    };
    return { ...t, factors, priority: priority(factors), reasons: describeFactors(factors) };
  });
}

/**
 * The district's queue at `now`: persisted open and taken tasks plus the candidates current state
 * calls for, ranked. Three statements whatever the district's size.
 */
export async function districtQueue(db: Queryable, district: string, now: Date): Promise<TaskView[]> {
  const [persisted, candidates] = [
    await activeTasks(db, district),
    await deriveCandidates(db, windowAt(district, now)),
  ];
  const all = [...persisted, ...candidates.map((c) => candidateTask(c, district, now))];
  return (await rankTasks(db, all, now)).sort(compareTasks);
}
