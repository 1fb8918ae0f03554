/** The supervision platform's rows: enterprises, risk points, inspections (hazards: hazards.ts). */
import { addServiceAgencies } from './agencies';
import { CREDIT_CODE_ALPHABET, creditCodeCheckChar } from '../supervision/domain/creditCode';
import { DAY, daysAgo, iso } from './context';
import type { Context } from './context';
import { INSPECTION_FINDINGS_BAD, INSPECTION_FINDINGS_OK, personName, phoneNumber } from './names';
import { Random } from './random';
import { RISK_TEMPLATES } from './templates';
import type { Category } from './templates';
import type { ClueSeed, EnterpriseSeed, RiskLevel, RiskPointSeed, Tier } from './types';

export const LEVEL_RANK: Readonly<Record<RiskLevel, number>> = {
  LOW: 1,
  GENERAL: 2,
  SIGNIFICANT: 3,
  MAJOR: 4,
};

/** LEC bands (DOMAIN.md): D > 320 MAJOR, 160–320 SIGNIFICANT, 70–160 GENERAL, ≤ 70 LOW. */
export function lecLevel(d: number): RiskLevel {
  if (d > 320) return 'MAJOR';
  if (d > 160) return 'SIGNIFICANT';
  if (d > 70) return 'GENERAL';
  return 'LOW';
}

/** 5×5 matrix bands: 20–25 MAJOR, 9–16 SIGNIFICANT, 4–8 GENERAL, 1–3 LOW. */
export function matrixLevel(r: number): RiskLevel {
  if (r >= 20) return 'MAJOR';
  if (r >= 9) return 'SIGNIFICANT';
  if (r >= 4) return 'GENERAL';
  return 'LOW';
}

// Standard LEC scales: likelihood, exposure frequency, consequence.
const LEC_L = [0.1, 0.2, 0.5, 1, 3, 6, 10];
const LEC_E = [0.5, 1, 2, 3, 6, 10];
const LEC_C = [1, 3, 7, 15, 40, 100];

const LEVEL_WEIGHTS: Readonly<Record<Tier, Record<RiskLevel, number>>> = {
  HIGH_RISK: { MAJOR: 15, SIGNIFICANT: 35, GENERAL: 35, LOW: 15 },
  ABOVE_SCALE: { MAJOR: 3, SIGNIFICANT: 20, GENERAL: 45, LOW: 32 },
  SMALL: { MAJOR: 1, SIGNIFICANT: 8, GENERAL: 40, LOW: 51 },
};

const CONTROL_TIER: Readonly<Record<RiskLevel, readonly RiskPointSeed['control_tier'][]>> = {
  MAJOR: ['COMPANY'],
  SIGNIFICANT: ['COMPANY', 'WORKSHOP'],
  GENERAL: ['WORKSHOP', 'TEAM'],
  LOW: ['TEAM', 'POST'],
};

export interface EnterpriseSpec {
  category: Category;
  tier: Tier;
  districtCode: string;
  name: string;
  address: string;
  lat: number;
  lon: number;
}

export function creditCode(ctx: Context, districtCode: string, rng: Random = ctx.rng): string {
  for (;;) {
    let org = '';
    for (let i = 0; i < 9; i++) org += CREDIT_CODE_ALPHABET[rng.int(0, CREDIT_CODE_ALPHABET.length - 1)];
    const first17 = `91${districtCode}${org}`;
    const code = first17 + creditCodeCheckChar(first17);
    if (!ctx.creditCodes.has(code)) {
      ctx.creditCodes.add(code);
      return code;
    }
  }
}

/** Weights of the first 17 characters of a resident ID number (GB 11643-1999). */
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** The check character of a resident ID number's first 17 digits (ISO 7064 MOD 11-2). */
export function idNumberCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i]!;
  return '10X98765432'[sum % 11]!;
}

/** Where people working in Qingdao were registered at birth, besides Qingdao itself. */
const BIRTH_REGIONS = ['370102', '370202', '370211', '370602', '370702', '370883', '371002', '371302'];
const BIRTH_FROM = Date.UTC(1965, 0, 1);
const BIRTH_TO = Date.UTC(2000, 11, 31);

/**
 * The enterprise's safety manager, drawn from a generator of its own seeded by the enterprise's
 * id: the rest of the data set draws exactly what it drew before contacts existed.
 */
function safetyManager(
  id: string,
  districtCode: string,
): Pick<EnterpriseSeed, 'safety_manager_name' | 'safety_manager_phone' | 'safety_manager_id_number'> {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  const rng = new Random(hash);
  const region = rng.chance(0.6) ? districtCode : rng.pick(BIRTH_REGIONS);
  const birth = new Date(BIRTH_FROM + rng.int(0, Math.floor((BIRTH_TO - BIRTH_FROM) / DAY)) * DAY);
  const first17 = `${region}${birth.toISOString().slice(0, 10).replaceAll('-', '')}${String(rng.int(1, 999)).padStart(3, '0')}`;
  return {
    safety_manager_name: personName(rng),
    safety_manager_phone: phoneNumber(rng),
    safety_manager_id_number: first17 + idNumberCheckChar(first17),
  };
}

export function addEnterprise(ctx: Context, spec: EnterpriseSpec): EnterpriseSeed {
  const years = spec.tier === 'HIGH_RISK' ? [3, 25] : spec.tier === 'ABOVE_SCALE' ? [2, 20] : [0.5, 12];
  const id = ctx.rng.uuid();
  const e: EnterpriseSeed = {
    id,
    credit_code: creditCode(ctx, spec.districtCode),
    name: spec.name,
    category: spec.category,
    tier: spec.tier,
    district_code: spec.districtCode,
    address: spec.address,
    lat: Math.round(spec.lat * 1e6) / 1e6,
    lon: Math.round(spec.lon * 1e6) / 1e6,
    risk_level: null,
    registered_at: iso(daysAgo(ctx, years[0]! * 365, years[1]! * 365)),
    ...safetyManager(id, spec.districtCode),
  };
  ctx.ds.supervision.enterprise.push(e);
  return e;
}

function assess(ctx: Context, tier: Tier): Pick<RiskPointSeed, 'level' | 'method' | 'score' | 'factors'> {
  const { rng } = ctx;
  const target = rng.weighted(LEVEL_WEIGHTS[tier]);
  const lec = rng.chance(tier === 'SMALL' ? 0.3 : 0.6);
  // Draw assessments until one falls in the target band (bounded; the last draw stands).
  for (let attempt = 0; ; attempt++) {
    if (lec) {
      const likelihood = rng.pick(LEC_L);
      const exposure = rng.pick(LEC_E);
      const consequence = rng.pick(LEC_C);
      const score = Math.round(likelihood * exposure * consequence * 100) / 100;
      const level = lecLevel(score);
      if (level === target || attempt >= 200) {
        return { level, method: 'LEC', score, factors: { likelihood, exposure, consequence } };
      }
    } else {
      const likelihood = rng.int(1, 5);
      const severity = rng.int(1, 5);
      const score = likelihood * severity;
      const level = matrixLevel(score);
      if (level === target || attempt >= 200) {
        return { level, method: 'RISK_MATRIX', score, factors: { likelihood, severity } };
      }
    }
  }
}

export function addRiskPoints(ctx: Context, e: EnterpriseSeed, count: number): void {
  const { rng } = ctx;
  const templates = rng.sample(RISK_TEMPLATES[e.category], count);
  let best: RiskLevel | null = null;
  for (const t of templates) {
    const a = assess(ctx, e.tier);
    const byAgency = e.tier !== 'SMALL' || rng.chance(0.3);
    ctx.ds.supervision.risk_point.push({
      id: rng.uuid(),
      enterprise_id: e.id,
      name: t.name,
      ...a,
      control_measures: rng.sample(t.measures, rng.int(1, Math.min(3, t.measures.length))),
      control_tier: rng.pick(CONTROL_TIER[a.level]),
      assessed_at: iso(daysAgo(ctx, 20, 720)),
      assessed_by: byAgency ? rng.pick(ctx.agencies) : `${personName(rng)}（企业自评）`,
    });
    if (best === null || LEVEL_RANK[a.level] > LEVEL_RANK[best]) best = a.level;
  }
  e.risk_level = best;
}

/** Inspections over the last two years: `perYear` is drawn once for each of the two years. */
export function addInspections(ctx: Context, e: EnterpriseSeed, counts: readonly number[]): void {
  const { rng } = ctx;
  const key = e.tier === 'HIGH_RISK' || e.risk_level === 'MAJOR';
  counts.forEach((count, year) => {
    for (let i = 0; i < count; i++) {
      const kind = rng.weighted<InspectionKind>(
        key
          ? { PLANNED: 65, REVIEW: 15, RANDOM: 10, COMPLAINT: 5, CLUE: 5 }
          : e.tier === 'ABOVE_SCALE'
            ? { RANDOM: 45, PLANNED: 30, REVIEW: 10, COMPLAINT: 10, CLUE: 5 }
            : { RANDOM: 50, CLUE: 20, COMPLAINT: 20, REVIEW: 10 },
      );
      const result = rng.weighted<InspectionResult>({ COMPLIANT: 55, RECTIFICATION_ORDERED: 38, PENALTY: 7 });
      const findings =
        result === 'COMPLIANT'
          ? rng.pick(INSPECTION_FINDINGS_OK)
          : `${rng.pick(INSPECTION_FINDINGS_BAD)}${
              result === 'PENALTY'
                ? '依据《安全生产法》第一百零二条作出行政处罚。'
                : '已下达责令限期整改指令书。'
            }`;
      const team = rng.weighted({ 1: 15, 2: 70, 3: 15 });
      ctx.ds.supervision.inspection.push({
        id: rng.uuid(),
        enterprise_id: e.id,
        // Year 0 is the year before last, year 1 the last twelve months.
        conducted_at: iso(daysAgo(ctx, (1 - year) * 365 + 1, (2 - year) * 365 - 1)),
        kind,
        inspectors: rng.sample(ctx.inspectors.get(e.district_code)!, Number(team)),
        findings,
        result,
      });
    }
  });
}

type InspectionKind = 'PLANNED' | 'RANDOM' | 'COMPLAINT' | 'CLUE' | 'REVIEW';
type InspectionResult = 'COMPLIANT' | 'RECTIFICATION_ORDERED' | 'PENALTY';

/**
 * The supervision side of the seeded closed loop, consistent with what the events would have
 * built: the alarm projection from the emergency slice, the clue projection of every checked
 * clue, and one enforcement task per referred clue (OPEN, TAKEN or CLOSED as the clue says).
 * Other tasks (overdue or MAJOR hazards, repeated alarms, under-inspected key enterprises) are
 * derived from current state by the queue itself, so they need no rows.
 */
export function addLoopProjections(ctx: Context, clues: readonly ClueSeed[]): void {
  const sup = ctx.ds.supervision;
  const districtOf = new Map(sup.enterprise.map((e) => [e.id, e.district_code]));
  for (const a of ctx.ds.emergency.alarm) {
    const changed = [a.raised_at, a.acknowledged_at, a.dispatched_at, a.on_site_at, a.resolved_at]
      .filter((t): t is string => t !== null)
      .sort()
      .pop()!;
    sup.alarm_projection!.push({
      alarm_id: a.id,
      device_id: a.device_id,
      enterprise_id: a.enterprise_id,
      grid_id: a.grid_id,
      district_code: districtOf.get(a.enterprise_id)!,
      kind: a.kind,
      severity: a.severity,
      status: a.status,
      raised_at: a.raised_at,
      changed_at: changed,
    });
  }
  for (const c of clues) {
    if (c.status === 'NEW' || c.status === 'CHECKING') continue;
    const trail = ctx.ds.grid.clue_event!.filter((e) => e.clue_id === c.id);
    const checked = trail.find((e) => e.action.startsWith('RECORD_'))!;
    const last = trail[trail.length - 1]!;
    sup.clue_projection!.push({
      clue_id: c.id,
      enterprise_id: c.enterprise_id,
      district_code: c.district_code,
      grid_id: c.grid_id,
      category: c.category,
      status: c.status,
      refused: !['RECTIFIED', 'INVALID'].includes(c.status),
      outcome: c.outcome,
      checked_at: checked.at,
      updated_at: last.at,
    });
    if (!c.task_id) continue;
    const opened = trail.find((e) => e.action === 'OPEN_CASE');
    sup.enforcement_task!.push({
      id: c.task_id,
      kind: 'CLUE',
      source_refs: [c.id],
      district_code: districtOf.get(c.enterprise_id!)!,
      enterprise_id: c.enterprise_id!,
      reason: `网格线索拒不整改，提请执法：${c.text}（拒不整改，提请区应急管理局执法）`,
      status: c.status === 'REFERRED' ? 'OPEN' : c.status === 'CASE_OPENED' ? 'TAKEN' : 'CLOSED',
      created_at: c.referred_at!,
      taken_by: opened?.actor ?? null,
      taken_at: opened?.at ?? null,
      closed_at: c.status === 'CLOSED' ? c.decided_at : null,
    });
  }
  addServiceAgencies(ctx);
}
