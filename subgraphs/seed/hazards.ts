/** Hidden dangers (隐患) of the supervision platform's seed, with their trail from report to closure. */
import { addDays, shanghaiDay } from '../../common/time';
import { DAY, HOUR, MINUTE, daysAgo, iso } from './context';
import type { Context } from './context';
import { personName } from './names';
import { districtByCode } from './places';
import { HAZARD_DESCRIPTIONS, RISK_TEMPLATES } from './templates';
import type { EnterpriseSeed, HazardEventSeed, HazardSeed, HazardStatus } from './types';

const STATUS_WEIGHTS: Readonly<Record<HazardStatus, number>> = {
  CLOSED: 50,
  REPORTED: 15,
  RECTIFYING: 20,
  PENDING_VERIFICATION: 15,
};

export interface HazardOptions {
  status?: HazardStatus;
  /** Grid member of the enterprise's grid, who reports GRID_PATROL hazards and verifies general ones. */
  gridMember?: string | undefined;
}

const authority = (ctx: Context, e: EnterpriseSeed): string =>
  `${districtByCode(e.district_code).name}应急管理局 ${ctx.rng.pick(ctx.inspectors.get(e.district_code)!)}`;

export function addHazard(ctx: Context, e: EnterpriseSeed, options: HazardOptions = {}): HazardSeed {
  const { rng } = ctx;
  const majorP = e.tier === 'HIGH_RISK' ? 0.25 : e.tier === 'ABOVE_SCALE' ? 0.1 : 0.03;
  const level = rng.chance(majorP) ? 'MAJOR' : 'GENERAL';
  const status = options.status ?? rng.weighted(STATUS_WEIGHTS);
  const source: HazardSeed['source'] = rng.weighted(
    options.gridMember
      ? { GRID_PATROL: 40, SELF_CHECK: 20, INSPECTION: 25, SERVICE_AGENCY: 15 }
      : { SELF_CHECK: 35, SERVICE_AGENCY: 30, INSPECTION: 30, GRID_PATROL: 5 },
  );
  const owner = personName(rng);
  const foundBy =
    source === 'SELF_CHECK'
      ? `${owner}（企业安全员）`
      : source === 'SERVICE_AGENCY'
        ? rng.pick(ctx.agencies)
        : source === 'GRID_PATROL'
          ? (options.gridMember ?? `网格员 ${personName(rng)}`)
          : authority(ctx, e);

  const open = status !== 'CLOSED';
  const foundMs = open
    ? rng.chance(0.7)
      ? daysAgo(ctx, 2, 45)
      : daysAgo(ctx, 60, 300)
    : daysAgo(ctx, 30, 720);
  const limitDays = level === 'MAJOR' ? rng.int(60, 90) : rng.int(15, 30);
  const deadline = addDays(shanghaiDay(new Date(foundMs)), limitDays);

  // The steps that lead to `status`, with at most one failed verification on the way.
  const actions: HazardEventSeed['action'][] = ['REPORT'];
  if (status !== 'REPORTED') {
    actions.push('START_RECTIFICATION');
    if (rng.chance(0.2)) actions.push('SUBMIT_FOR_VERIFICATION', 'FAIL_VERIFICATION');
    if (status === 'PENDING_VERIFICATION' || status === 'CLOSED') actions.push('SUBMIT_FOR_VERIFICATION');
    if (status === 'CLOSED') actions.push('PASS_VERIFICATION');
  }
  const endMs = open
    ? ctx.now - rng.int(1, 20) * HOUR
    : Math.min(
        ctx.now - HOUR,
        foundMs + limitDays * DAY * (rng.chance(0.1) ? rng.float(1.1, 1.5) : rng.float(0.3, 0.95)),
      );
  const offsets = actions.map((_, i) => (i === 0 ? 0 : rng.next())).sort((a, b) => a - b);

  const h: HazardSeed = {
    id: rng.uuid(),
    enterprise_id: e.id,
    description: rng.pick(HAZARD_DESCRIPTIONS[e.category]),
    level,
    status,
    source,
    found_by: foundBy,
    found_at: iso(foundMs),
    deadline,
    plan: null,
    closed_at: null,
  };
  if (level === 'MAJOR' && status !== 'REPORTED') {
    const measures = rng.sample(RISK_TEMPLATES[e.category], 1)[0]!.measures;
    h.plan = {
      measures: `${h.description}：${measures.join('；')}`,
      funds: rng.int(20, 500) * 1000,
      deadline,
      responsiblePerson: owner,
    };
  }

  const verifier = level === 'MAJOR' || !options.gridMember ? authority(ctx, e) : options.gridMember;
  let from: HazardStatus | null = null;
  actions.forEach((action, i) => {
    const at = foundMs + Math.round(offsets[i]! * (endMs - foundMs)) + i * MINUTE;
    const to: HazardStatus =
      action === 'REPORT'
        ? 'REPORTED'
        : action === 'START_RECTIFICATION' || action === 'FAIL_VERIFICATION'
          ? 'RECTIFYING'
          : action === 'SUBMIT_FOR_VERIFICATION'
            ? 'PENDING_VERIFICATION'
            : 'CLOSED';
    const actor =
      action === 'REPORT'
        ? foundBy
        : action === 'PASS_VERIFICATION' || action === 'FAIL_VERIFICATION'
          ? verifier
          : `${owner}（企业负责人）`;
    const note =
      action === 'FAIL_VERIFICATION'
        ? '复查未通过：整改不彻底，继续整改'
        : action === 'PASS_VERIFICATION'
          ? level === 'MAJOR'
            ? '现场核查合格，准予销号'
            : '复查合格，予以销号'
          : action === 'START_RECTIFICATION' && h.plan
            ? '已制定重大隐患治理方案'
            : null;
    ctx.ds.supervision.hazard_event.push({
      hazard_id: h.id,
      action,
      from_status: from,
      to_status: to,
      actor,
      note,
      at: iso(at),
    });
    if (to === 'CLOSED') h.closed_at = iso(at);
    from = to;
  });
  ctx.ds.supervision.hazard.push(h);
  return h;
}
