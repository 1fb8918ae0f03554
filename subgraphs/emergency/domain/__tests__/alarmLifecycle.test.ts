import { AppError, ErrorCode } from '../../../../common/errors';
import {
  ALARM_STATUSES,
  allowedAlarmActions,
  closingAction,
  nextAlarmStatus,
  severitiesAtLeast,
  stepAlarm,
} from '../alarmLifecycle';
import type { AlarmAction } from '../alarmLifecycle';
import type { AlarmStatus } from '../../store/rows';

const ACTIONS: AlarmAction[] = ['ACKNOWLEDGE', 'DISPATCH', 'REPORT_ON_SITE', 'RESOLVE', 'MARK_FALSE_ALARM'];

/** The whole table, written out independently of the module: every (from, action) pair not here is illegal. */
const LEGAL: ReadonlyArray<[AlarmStatus, AlarmAction, AlarmStatus]> = [
  ['ACTIVE', 'ACKNOWLEDGE', 'ACKNOWLEDGED'],
  ['ACKNOWLEDGED', 'DISPATCH', 'DISPATCHED'],
  ['ACKNOWLEDGED', 'RESOLVE', 'RESOLVED'],
  ['ACKNOWLEDGED', 'MARK_FALSE_ALARM', 'FALSE_ALARM'],
  ['DISPATCHED', 'REPORT_ON_SITE', 'ON_SITE'],
  ['DISPATCHED', 'RESOLVE', 'RESOLVED'],
  ['DISPATCHED', 'MARK_FALSE_ALARM', 'FALSE_ALARM'],
  ['ON_SITE', 'RESOLVE', 'RESOLVED'],
  ['ON_SITE', 'MARK_FALSE_ALARM', 'FALSE_ALARM'],
];

const ILLEGAL = ALARM_STATUSES.flatMap((from) =>
  ACTIONS.filter((action) => !LEGAL.some(([f, a]) => f === from && a === action)).map(
    (action) => [from, action] as [AlarmStatus, AlarmAction],
  ),
);

describe('alarm lifecycle', () => {
  it('knows the six statuses', () => {
    expect(ALARM_STATUSES).toEqual([
      'ACTIVE',
      'ACKNOWLEDGED',
      'DISPATCHED',
      'ON_SITE',
      'RESOLVED',
      'FALSE_ALARM',
    ]);
  });

  it.each(LEGAL)('allows %s --%s--> %s', (from, action, to) => {
    expect(nextAlarmStatus(from, action)).toBe(to);
    expect(stepAlarm(from, action)).toBe(to);
  });

  it('refuses 21 of the 30 (status, action) pairs', () => {
    expect(ILLEGAL).toHaveLength(21);
  });

  it.each(ILLEGAL)('refuses %s --%s-->', (from, action) => {
    expect(nextAlarmStatus(from, action)).toBeNull();
    let thrown: unknown;
    try {
      stepAlarm(from, action);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect((thrown as AppError).extensions).toEqual({
      code: ErrorCode.ILLEGAL_TRANSITION,
      from,
      action,
      allowed: allowedAlarmActions(from),
    });
  });

  it('lists the allowed actions per status', () => {
    expect(allowedAlarmActions('ACTIVE')).toEqual(['ACKNOWLEDGE']);
    expect(allowedAlarmActions('ACKNOWLEDGED')).toEqual(['DISPATCH', 'RESOLVE', 'MARK_FALSE_ALARM']);
    expect(allowedAlarmActions('DISPATCHED')).toEqual(['REPORT_ON_SITE', 'RESOLVE', 'MARK_FALSE_ALARM']);
    expect(allowedAlarmActions('ON_SITE')).toEqual(['RESOLVE', 'MARK_FALSE_ALARM']);
    expect(allowedAlarmActions('RESOLVED')).toEqual([]);
    expect(allowedAlarmActions('FALSE_ALARM')).toEqual([]);
  });

  it('says a closed alarm is final in the error message', () => {
    expect(() => stepAlarm('RESOLVED', 'ACKNOWLEDGE')).toThrow(
      'Alarm in state RESOLVED cannot ACKNOWLEDGE; allowed from RESOLVED: none (final state)',
    );
  });

  it('maps an outcome to its closing action', () => {
    expect(closingAction('RESOLVED')).toBe('RESOLVE');
    expect(closingAction('FALSE_ALARM')).toBe('MARK_FALSE_ALARM');
  });

  it('orders severities LOW < MEDIUM < HIGH', () => {
    expect(severitiesAtLeast('LOW')).toEqual(['LOW', 'MEDIUM', 'HIGH']);
    expect(severitiesAtLeast('MEDIUM')).toEqual(['MEDIUM', 'HIGH']);
    expect(severitiesAtLeast('HIGH')).toEqual(['HIGH']);
  });
});
