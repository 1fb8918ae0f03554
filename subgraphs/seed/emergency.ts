/** The emergency platform's rows: fire stations, detectors, their alarms and alarm trails. */
import { DAY, HOUR, MINUTE, daysAgo, iso } from './context';
import type { Context } from './context';
import { personName } from './names';
import { JINJIALING_STATIONS, OTHER_STATIONS } from './places';
import type { StationSpec } from './places';
import type {
  AlarmSeed,
  AlarmStatus,
  DeviceKind,
  DeviceSeed,
  EnterpriseSeed,
  FireStationSeed,
} from './types';

const UNIT: Readonly<Record<DeviceKind, string>> = { GAS: '%LEL', SMOKE: 'dB/m', TEMPERATURE: '°C' };
const PREFIX: Readonly<Record<DeviceKind, string>> = { GAS: 'GAS', SMOKE: 'SMK', TEMPERATURE: 'TMP' };
const ALARM_KIND: Readonly<Record<DeviceKind, AlarmSeed['kind']>> = {
  GAS: 'GAS_LEAK',
  SMOKE: 'SMOKE',
  TEMPERATURE: 'HIGH_TEMPERATURE',
};

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

const RESOLVED_NOTES: Readonly<Record<DeviceKind, readonly string[]>> = {
  GAS: ['关闭钢瓶角阀、开窗通风，浓度恢复正常', '更换老化燃气软管，复测正常', '减压阀漏气，已更换并告知业主'],
  SMOKE: ['厨房油烟引起，已处置并复位', '配电箱线路过热冒烟，已断电处置'],
  TEMPERATURE: ['空调外机过热，已断电降温', '电热设备长时间运行，已关闭并复位'],
};
const FALSE_NOTES = ['现场核实为误报（烹饪油烟干扰）', '探测器受潮误报，已通知维保', '人员吸烟触发，非火情'];

export class EmergencyBuilder {
  private readonly serials = new Map<string, number>();
  private readonly stations: { row: FireStationSeed; spec: StationSpec }[] = [];
  private readonly officers: string[];

  constructor(private readonly ctx: Context) {
    const { rng } = ctx;
    for (const spec of [...JINJIALING_STATIONS, ...OTHER_STATIONS]) {
      const row: FireStationSeed = {
        id: rng.uuid(),
        name: spec.name,
        kind: spec.kind,
        lat: spec.lat,
        lon: spec.lon,
        address: spec.address,
        crew_size: spec.kind === 'MICRO' ? rng.int(6, 8) : rng.int(20, 36),
        on_duty: true,
      };
      ctx.ds.emergency.fire_station.push(row);
      this.stations.push({ row, spec });
    }
    this.officers = Array.from({ length: 6 }, () => `指挥中心值班员 ${personName(rng)}`);
  }

  private normalValue(kind: DeviceKind): number {
    const { rng } = this.ctx;
    if (kind === 'GAS') return round(rng.float(0, 3), 1);
    if (kind === 'SMOKE') return round(rng.float(0, 0.05), 2);
    return round(rng.float(18, 28), 1);
  }

  addDevice(e: EnterpriseSeed, kind: DeviceKind, gridId: string | null): DeviceSeed {
    const { rng, now } = this.ctx;
    const key = `${PREFIX[kind]}-${e.district_code}`;
    const n = (this.serials.get(key) ?? 0) + 1;
    this.serials.set(key, n);
    const state = rng.weighted({ NORMAL: 945, FAULT: 25, OFFLINE: 25, MASKED: 3, SELF_TEST: 2 });
    const readingAgo =
      state === 'OFFLINE'
        ? rng.float(2, 10) * DAY
        : state === 'FAULT'
          ? rng.float(1, 12) * HOUR
          : rng.float(0.1, 10) * MINUTE;
    const d: DeviceSeed = {
      id: rng.uuid(),
      serial: `${key}-${String(n).padStart(4, '0')}`,
      kind,
      state,
      enterprise_id: e.id,
      grid_id: gridId,
      lat: e.lat!,
      lon: e.lon!,
      installed_at: iso(daysAgo(this.ctx, 30, 900)),
      last_value: this.normalValue(kind),
      last_unit: UNIT[kind],
      last_reading_at: iso(Math.round(now - readingAgo)),
      district_code: e.district_code,
      episode_alarm_id: null,
      // As far as the platform knows, the state holds since the last report.
      state_since: iso(Math.round(now - readingAgo)),
    };
    this.ctx.ds.emergency.device.push(d);
    return d;
  }

  private nearestStation(lat: number, lon: number): FireStationSeed {
    const k = Math.cos((lat * Math.PI) / 180);
    let best = this.stations[0]!.row;
    let bestD = Infinity;
    for (const { row } of this.stations) {
      const dist = (row.lat - lat) ** 2 + ((row.lon - lon) * k) ** 2;
      if (dist < bestD) [best, bestD] = [row, dist];
    }
    return best;
  }

  /**
   * An alarm of `device` that reached `status`, with the timestamps and trail that status implies.
   * Open alarms are raised in the last hours and put the device in its alarm state; closed ones
   * happened in the last 90 days.
   */
  addAlarm(device: DeviceSeed, status: AlarmStatus, level2 = this.ctx.rng.chance(0.4)): AlarmSeed {
    const { rng, now } = this.ctx;
    const open = status !== 'RESOLVED' && status !== 'FALSE_ALARM';
    let value: number;
    let severity: AlarmSeed['severity'];
    let deviceState: DeviceSeed['state'];
    if (device.kind === 'GAS') {
      value = level2 ? round(rng.float(50, 85), 1) : round(rng.float(25, 49.9), 1);
      severity = level2 ? 'HIGH' : 'MEDIUM';
      deviceState = level2 ? 'LEVEL2_ALARM' : 'LEVEL1_ALARM';
    } else if (device.kind === 'SMOKE') {
      value = round(rng.float(0.25, 0.8), 2);
      severity = 'HIGH';
      deviceState = 'LEVEL2_ALARM';
    } else {
      value = round(rng.float(57, 75), 1);
      severity = 'MEDIUM';
      deviceState = 'LEVEL1_ALARM';
    }
    const raised =
      status === 'ACTIVE'
        ? now - rng.int(2, 90) * MINUTE
        : open
          ? now - rng.int(40, 150) * MINUTE
          : daysAgo(this.ctx, 1, 90);
    const station = this.nearestStation(device.lat, device.lon);
    const micro = station.kind === 'MICRO';
    const dispatchedPath =
      status === 'DISPATCHED' ||
      status === 'ON_SITE' ||
      status === 'RESOLVED' ||
      (status === 'FALSE_ALARM' && rng.chance(0.3));
    const onSitePath = status === 'ON_SITE' || (!open && dispatchedPath);

    const a: AlarmSeed = {
      id: rng.uuid(),
      device_id: device.id,
      enterprise_id: device.enterprise_id,
      grid_id: device.grid_id,
      kind: ALARM_KIND[device.kind],
      severity,
      status,
      reading_value: value,
      reading_unit: UNIT[device.kind],
      reading_at: iso(raised - rng.int(1, 20) * 1000),
      lat: device.lat,
      lon: device.lon,
      raised_at: iso(raised),
      acknowledged_at: null,
      dispatched_at: null,
      on_site_at: null,
      resolved_at: null,
      fire_station_id: null,
      note: null,
      district_code: device.district_code,
      cleared_at: null,
    };
    const officer = rng.pick(this.officers);
    const events = this.ctx.ds.emergency.alarm_event;
    events.push({
      alarm_id: a.id,
      from_status: null,
      to_status: 'ACTIVE',
      actor: '物联网平台',
      note: `${device.serial} 读数 ${value}${UNIT[device.kind]}`,
      at: a.raised_at,
    });
    let t = raised;
    let from: AlarmStatus = 'ACTIVE';
    const step = (to: AlarmStatus, minutes: [number, number], actor: string, note: string | null): string => {
      t += rng.int(minutes[0] * 60, minutes[1] * 60) * 1000;
      const at = iso(t);
      events.push({ alarm_id: a.id, from_status: from, to_status: to, actor, note, at });
      from = to;
      return at;
    };
    if (status !== 'ACTIVE') {
      a.acknowledged_at = step('ACKNOWLEDGED', [1, 5], officer, null);
      if (dispatchedPath) {
        a.fire_station_id = station.id;
        a.dispatched_at = step('DISPATCHED', [1, 3], officer, `调派${station.name}`);
        if (onSitePath) a.on_site_at = step('ON_SITE', micro ? [1, 3] : [5, 12], station.name, null);
      }
      if (!open) {
        const note = status === 'RESOLVED' ? rng.pick(RESOLVED_NOTES[device.kind]) : rng.pick(FALSE_NOTES);
        a.note = note;
        a.resolved_at = step(status, [10, 60], onSitePath ? station.name : officer, note);
        // The reading had fallen back by the time it was closed: the episode is over.
        a.cleared_at = a.resolved_at;
      }
    }
    if (open) {
      // The alarm's episode is still going on: the device is in its alarm state.
      device.state = deviceState;
      device.state_since = a.reading_at;
      device.last_value = value;
      device.last_reading_at = a.reading_at;
      device.episode_alarm_id = a.id;
    }
    this.ctx.ds.emergency.alarm.push(a);
    return a;
  }
}
