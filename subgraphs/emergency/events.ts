/**
 * Alarm events the subgraph announces through its outbox (stream `alarms`). The gateway's live-alarm
 * subscriptions read these payloads: their keys are a contract.
 */
import type { OutboxEvent } from '../../common/events/outbox';
import type { AlarmKind, AlarmSeverity, AlarmStatus } from './store/rows';

export const ALARMS_STREAM = 'alarms';

export type AlarmEventType = 'AlarmRaised' | 'AlarmUpdated';

/** The alarm as an event shows it. */
export interface AlarmSnapshot {
  id: string;
  deviceId: string;
  enterpriseId: string;
  gridId: string | null;
  districtCode: string | null;
  kind: AlarmKind;
  severity: AlarmSeverity;
  status: AlarmStatus;
  raisedAt: Date;
}

/** The payload: ids as strings, `gridId`/`districtCode` possibly null, instants as ISO strings. */
export interface AlarmEventPayload {
  alarmId: string;
  deviceId: string;
  enterpriseId: string;
  gridId: string | null;
  districtCode: string | null;
  kind: AlarmKind;
  severity: AlarmSeverity;
  status: AlarmStatus;
  raisedAt: string;
  changedAt: string;
}

/**
 * `AlarmRaised` when an alarm is created; `AlarmUpdated` for every later change of status or
 * severity and when its episode clears. `changedAt` is when the change was made.
 */
export function alarmEvent(type: AlarmEventType, alarm: AlarmSnapshot, changedAt: Date): OutboxEvent {
  const payload: AlarmEventPayload = {
    alarmId: alarm.id,
    deviceId: alarm.deviceId,
    enterpriseId: alarm.enterpriseId,
    gridId: alarm.gridId,
    districtCode: alarm.districtCode,
    kind: alarm.kind,
    severity: alarm.severity,
    status: alarm.status,
    raisedAt: alarm.raisedAt.toISOString(),
    changedAt: changedAt.toISOString(),
  };
  return { stream: ALARMS_STREAM, type, payload: { ...payload } };
}
