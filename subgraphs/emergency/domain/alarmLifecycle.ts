import { illegalTransition } from '../../../common/errors';
import type { AlarmSeverity, AlarmStatus } from '../store/rows';

export type AlarmAction = 'ACKNOWLEDGE' | 'DISPATCH' | 'REPORT_ON_SITE' | 'RESOLVE' | 'MARK_FALSE_ALARM';

/** Every status a step can lead to: nothing leads back to ACTIVE. */
export type AlarmStepTarget = Exclude<AlarmStatus, 'ACTIVE'>;

/**
 * The alarm lifecycle (DOMAIN.md): ACTIVE → ACKNOWLEDGED → DISPATCHED → ON_SITE → RESOLVED or
 * FALSE_ALARM. Closing is allowed from any acknowledged state (a duty officer may close an alarm
 * without sending a crew), never from ACTIVE: someone must have seen an alarm before it is closed.
 * RESOLVED and FALSE_ALARM are final.
 */
const STEPS: Readonly<Record<AlarmStatus, Partial<Record<AlarmAction, AlarmStepTarget>>>> = {
  ACTIVE: { ACKNOWLEDGE: 'ACKNOWLEDGED' },
  ACKNOWLEDGED: { DISPATCH: 'DISPATCHED', RESOLVE: 'RESOLVED', MARK_FALSE_ALARM: 'FALSE_ALARM' },
  DISPATCHED: { REPORT_ON_SITE: 'ON_SITE', RESOLVE: 'RESOLVED', MARK_FALSE_ALARM: 'FALSE_ALARM' },
  ON_SITE: { RESOLVE: 'RESOLVED', MARK_FALSE_ALARM: 'FALSE_ALARM' },
  RESOLVED: {},
  FALSE_ALARM: {},
};

export const ALARM_STATUSES = Object.keys(STEPS) as AlarmStatus[];

/** Statuses an alarm no longer needs attention in. */
export const CLOSED_ALARM_STATUSES: readonly AlarmStatus[] = ['RESOLVED', 'FALSE_ALARM'];

/** The status `action` leads to from `from`, or null when the step is not allowed. */
export function nextAlarmStatus(from: AlarmStatus, action: AlarmAction): AlarmStepTarget | null {
  return STEPS[from][action] ?? null;
}

export function allowedAlarmActions(from: AlarmStatus): AlarmAction[] {
  return Object.keys(STEPS[from]) as AlarmAction[];
}

/** Like `nextAlarmStatus`, but a refused step is the client-facing ILLEGAL_TRANSITION error. */
export function stepAlarm(from: AlarmStatus, action: AlarmAction): AlarmStepTarget {
  const to = nextAlarmStatus(from, action);
  if (to === null) throw illegalTransition('Alarm', from, action, allowedAlarmActions(from));
  return to;
}

/** The action that closes an alarm with the given outcome. */
export const closingAction = (outcome: 'RESOLVED' | 'FALSE_ALARM'): AlarmAction =>
  outcome === 'RESOLVED' ? 'RESOLVE' : 'MARK_FALSE_ALARM';

/** Severities from least to most severe, as the SDL orders them. */
const SEVERITY_ORDER: readonly AlarmSeverity[] = ['LOW', 'MEDIUM', 'HIGH'];

/** Every severity at least as severe as `min`: the set a `minSeverity` filter accepts. */
export function severitiesAtLeast(min: AlarmSeverity): AlarmSeverity[] {
  return SEVERITY_ORDER.slice(SEVERITY_ORDER.indexOf(min));
}
