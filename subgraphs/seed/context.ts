/** State shared by the generator's parts while one data set is built. */
import { shanghaiDay } from '../../common/time';
import { brand, personName } from './names';
import { DISTRICTS } from './places';
import type { Random } from './random';
import type { Dataset } from './types';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export const iso = (ms: number): string => new Date(ms).toISOString();

export interface Context {
  rng: Random;
  /** `now` in milliseconds, and its calendar day in Qingdao. */
  now: number;
  today: string;
  ds: Dataset;
  creditCodes: Set<string>;
  /** Law-enforcement officers of each district's emergency management bureau. */
  inspectors: Map<string, string[]>;
  /** Third-party safety service agencies (第三方服务机构) that assess risks and find hazards. */
  agencies: string[];
  /** Members assigned to each small grid. */
  gridMembers: Map<string, string[]>;
  memberNames: Map<string, string>;
}

export function createContext(rng: Random, now: Date): Context {
  const inspectors = new Map<string, string[]>();
  for (const d of DISTRICTS)
    inspectors.set(
      d.code,
      Array.from({ length: 12 }, () => personName(rng)),
    );
  const agencies = Array.from({ length: 14 }, () => `青岛${brand(rng)}安全技术服务有限公司`);
  return {
    rng,
    now: now.getTime(),
    today: shanghaiDay(now),
    ds: {
      supervision: { enterprise: [], risk_point: [], hazard: [], hazard_event: [], inspection: [] },
      grid: { admin_area: [], grid: [], member: [], assignment: [], patrol: [] },
      emergency: { fire_station: [], device: [], alarm: [], alarm_event: [] },
      showcase: { enterpriseId: '', creditCode: '', districtCode: '', gridId: '' },
      enterpriseGrid: {},
    },
    creditCodes: new Set(),
    inspectors,
    agencies,
    gridMembers: new Map(),
    memberNames: new Map(),
  };
}

/** A time between `minDays` and `maxDays` days before now, in milliseconds. */
export const daysAgo = (ctx: Context, minDays: number, maxDays: number): number =>
  Math.round(ctx.now - ctx.rng.float(minDays, maxDays) * DAY);
