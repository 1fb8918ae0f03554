import type { RiskLevel } from '../store/rows';

/** What the queue knows about the enterprise behind a task when it ranks it. */
export interface PriorityFactors {
  /** The enterprise's risk level (highest of its risk points); null when never assessed. */
  riskLevel: RiskLevel | null;
  /** Days past the deadline of the task's hazard, or of the enterprise's most overdue open hazard; 0 when none. */
  overdueDays: number;
  /** Clues about the enterprise where it refused to rectify (拒不整改), referred or not. */
  refusals: number;
  /** Alarms of the enterprise's devices raised in the last {@link RECENT_ALARM_DAYS} days. */
  recentAlarms: number;
  /** Days since the enterprise's last inspection; null when it was never inspected. */
  daysSinceInspection: number | null;
}

export const RECENT_ALARM_DAYS = 30;
/** Alarms within {@link RECENT_ALARM_DAYS} days that make "repeated alarms" a task of their own. */
export const REPEATED_ALARMS = 2;

const RISK_POINTS: Readonly<Record<RiskLevel, number>> = { MAJOR: 40, SIGNIFICANT: 25, GENERAL: 10, LOW: 0 };

/**
 * The enforcement queue's priority of a task (higher first), documented in docs/workflow.md:
 *
 *   priority = risk + overdue + refusals + alarms + inspectionGap, where
 *   - risk          = 40 MAJOR, 25 SIGNIFICANT, 10 GENERAL, 0 LOW or unassessed
 *   - overdue       = 0.5 × min(overdueDays, 60)                 (at most 30)
 *   - refusals      = 50 × min(refusals, 3)                      (at most 150)
 *   - alarms        = 5 × min(recentAlarms, 6)                   (at most 30)
 *   - inspectionGap = 20 × min(daysSinceInspection, 365) / 365   (20 when never inspected)
 *
 * rounded to one decimal. A documented refusal to rectify is the heaviest factor (one outweighs a
 * MAJOR risk; three outweigh every other factor at its cap, 120): the reform put the grid's
 * refusals at the head of the officers' day.
 * Ties go to the older task, then to the id (see {@link compareTasks}).
 */
export function priority(f: PriorityFactors): number {
  const risk = f.riskLevel ? RISK_POINTS[f.riskLevel] : 0;
  const overdue = 0.5 * Math.min(Math.max(f.overdueDays, 0), 60);
  const refusals = 50 * Math.min(Math.max(f.refusals, 0), 3);
  const alarms = 5 * Math.min(Math.max(f.recentAlarms, 0), 6);
  const gap =
    f.daysSinceInspection === null ? 20 : (20 * Math.min(Math.max(f.daysSinceInspection, 0), 365)) / 365;
  return Math.round((risk + overdue + refusals + alarms + gap) * 10) / 10;
}

export interface Ranked {
  id: string;
  priority: number;
  createdAt: Date;
}

/** Queue order: priority descending, then the older task first, then the id. */
export function compareTasks(a: Ranked, b: Ranked): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  const t = a.createdAt.getTime() - b.createdAt.getTime();
  if (t !== 0) return t;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The factors that raise a task's priority, as the officer reads them. */
export function describeFactors(f: PriorityFactors): string[] {
  const out: string[] = [];
  if (f.riskLevel === 'MAJOR' || f.riskLevel === 'SIGNIFICANT')
    out.push(`${f.riskLevel === 'MAJOR' ? '重大' : '较大'}风险企业 (${f.riskLevel} risk)`);
  if (f.overdueDays > 0) out.push(`隐患逾期 ${f.overdueDays} 天 (hazard overdue)`);
  if (f.refusals > 0) out.push(`拒不整改线索 ${f.refusals} 条 (refusals)`);
  if (f.recentAlarms > 0) out.push(`近${RECENT_ALARM_DAYS}天报警 ${f.recentAlarms} 次 (recent alarms)`);
  out.push(
    f.daysSinceInspection === null
      ? '从未执法检查 (never inspected)'
      : `距上次执法检查 ${f.daysSinceInspection} 天 (since last inspection)`,
  );
  return out;
}
