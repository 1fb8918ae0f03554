/** The grid platform's rows: the area tree, the two subdistricts' grids, their people and patrols. */
import { DAY, HOUR, daysAgo, iso } from './context';
import type { Context } from './context';
import { PATROL_FINDINGS_BAD, PATROL_FINDINGS_OK, personName, phoneNumber } from './names';
import { CITY, DISTRICTS, JINJIALING, ZHENJIANG_ROAD, boxText, communityCode, splitRect } from './places';
import type { Rect, Subdistrict } from './places';
import type { Random } from './random';
import type { ClueSeed, ClueSeedStatus, EnterpriseSeed, GridSeed } from './types';

export interface SmallGrid {
  grid: GridSeed;
  rect: Rect;
  sub: Subdistrict;
  community: string;
}

export function addAdminAreas(ctx: Context): void {
  const areas = ctx.ds.grid.admin_area;
  areas.push({ code: CITY.code, name: CITY.name, level: 'CITY', parent_code: null });
  for (const d of DISTRICTS)
    areas.push({ code: d.code, name: d.name, level: 'DISTRICT', parent_code: CITY.code });
  for (const sub of [ZHENJIANG_ROAD, JINJIALING]) {
    areas.push({ code: sub.code, name: sub.name, level: 'SUBDISTRICT', parent_code: sub.districtCode });
    sub.communities.forEach((name, i) =>
      areas.push({ code: communityCode(sub, i), name, level: 'COMMUNITY', parent_code: sub.code }),
    );
  }
}

const two = (n: number): string => String(n).padStart(2, '0');

function addGrid(ctx: Context, g: Omit<GridSeed, 'id' | 'bounds'>, rect: Rect): GridSeed {
  const row: GridSeed = { id: ctx.rng.uuid(), ...g, bounds: boxText(rect) };
  ctx.ds.grid.grid.push(row);
  return row;
}

function addMember(ctx: Context, role: 'GRID_MEMBER' | 'SAFETY_OFFICER', gridIds: readonly string[]): void {
  const { rng } = ctx;
  const m = { id: rng.uuid(), name: personName(rng), role, phone: phoneNumber(rng) };
  ctx.ds.grid.member.push(m);
  ctx.memberNames.set(m.id, m.name);
  for (const gridId of gridIds) {
    ctx.ds.grid.assignment.push({ member_id: m.id, grid_id: gridId });
    const list = ctx.gridMembers.get(gridId) ?? [];
    list.push(m.id);
    ctx.gridMembers.set(gridId, list);
  }
}

/**
 * Zhenjiang Road: five large grids (vertical strips, one per community) holding 53 small grids
 * (horizontal bands), one grid member each. Jinjialing: 28 large grids (7 × 4, one per community),
 * each halved into two small grids, with two full-time safety officers per community.
 */
export function addGrids(ctx: Context): SmallGrid[] {
  const small: SmallGrid[] = [];
  const zjl = ZHENJIANG_ROAD;
  const perLarge = [11, 11, 11, 10, 10];
  splitRect(zjl.area, 5, 1).forEach((rect, i) => {
    const community = zjl.communities[i]!;
    const large = addGrid(
      ctx,
      {
        code: `${zjl.gridPrefix}-${two(i + 1)}`,
        name: `${community}网格`,
        level: 'LARGE',
        parent_id: null,
        area_code: communityCode(zjl, i),
      },
      rect,
    );
    splitRect(rect, 1, perLarge[i]!).forEach((cell, j) => {
      const grid = addGrid(
        ctx,
        {
          code: `${large.code}-${two(j + 1)}`,
          name: `${community}第${j + 1}网格`,
          level: 'SMALL',
          parent_id: large.id,
          area_code: large.area_code,
        },
        cell,
      );
      small.push({ grid, rect: cell, sub: zjl, community });
      addMember(ctx, 'GRID_MEMBER', [grid.id]);
    });
  });

  const jjl = JINJIALING;
  splitRect(jjl.area, 7, 4).forEach((rect, i) => {
    const community = jjl.communities[i]!;
    const large = addGrid(
      ctx,
      {
        code: `${jjl.gridPrefix}-${two(i + 1)}`,
        name: `${community}网格`,
        level: 'LARGE',
        parent_id: null,
        area_code: communityCode(jjl, i),
      },
      rect,
    );
    const ids = splitRect(rect, 2, 1).map((cell, j) => {
      const grid = addGrid(
        ctx,
        {
          code: `${large.code}-${two(j + 1)}`,
          name: `${community}第${j + 1}网格`,
          level: 'SMALL',
          parent_id: large.id,
          area_code: large.area_code,
        },
        cell,
      );
      small.push({ grid, rect: cell, sub: jjl, community });
      return grid.id;
    });
    // Both officers of a community share its two small grids.
    addMember(ctx, 'SAFETY_OFFICER', ids);
    addMember(ctx, 'SAFETY_OFFICER', ids);
  });
  return small;
}

/** A random point well inside `r` (5 % margin on each side). */
export function pointIn(ctx: Context, r: Rect): { lat: number; lon: number } {
  const mx = (r.maxLon - r.minLon) * 0.05;
  const my = (r.maxLat - r.minLat) * 0.05;
  return {
    lon: Math.round(ctx.rng.float(r.minLon + mx, r.maxLon - mx) * 1e6) / 1e6,
    lat: Math.round(ctx.rng.float(r.minLat + my, r.maxLat - my) * 1e6) / 1e6,
  };
}

/** The first member assigned to a grid (every small grid has one). */
export const gridMemberName = (ctx: Context, gridId: string): string =>
  ctx.memberNames.get(ctx.gridMembers.get(gridId)![0]!)!;

/** Rounds of the last 30 days by members assigned to the enterprise's grid. */
export function addPatrols(ctx: Context, e: EnterpriseSeed, gridId: string, count: number): void {
  const { rng } = ctx;
  const members = ctx.gridMembers.get(gridId)!;
  for (let i = 0; i < count; i++) {
    const issues = rng.chance(0.12);
    ctx.ds.grid.patrol.push({
      id: rng.uuid(),
      enterprise_id: e.id,
      member_id: rng.pick(members),
      grid_id: gridId,
      patrolled_at: iso(daysAgo(ctx, 0.05, 30)),
      result: issues ? 'ISSUES_FOUND' : 'NORMAL',
      findings: rng.pick(issues ? PATROL_FINDINGS_BAD : PATROL_FINDINGS_OK),
    });
  }
}

const CLUE_TEMPLATES: readonly { category: ClueSeed['category']; text: string; refusal: string }[] = [
  { category: 'GAS', text: '后厨液化气瓶未固定，与灶具间距不足', refusal: '店主称营业繁忙，拒绝整改' },
  { category: 'GAS', text: '餐饮店未安装可燃气体报警器', refusal: '店主认为没有必要，拒绝安装' },
  { category: 'BLOCKED_EXIT', text: '安全出口被货物堵塞', refusal: '负责人拒绝清理' },
  { category: 'FIRE', text: '楼道内电动自行车充电', refusal: '物业拒绝整改' },
  { category: 'ILLEGAL_OPERATION', text: '无证进行电焊作业', refusal: '作业人员拒绝停工' },
  { category: 'HAZARDOUS_MATERIALS', text: '店内存放大量酒精等易燃物品', refusal: '经营者拒绝转移' },
];

const CLUE_STEPS: Readonly<Record<ClueSeedStatus, readonly string[]>> = {
  NEW: [],
  CHECKING: ['START_CHECK'],
  RECTIFIED: ['START_CHECK', 'RECORD_RECTIFIED'],
  INVALID: ['START_CHECK', 'RECORD_INVALID'],
  REFUSED: ['START_CHECK', 'RECORD_REFUSED'],
  REFERRED: ['START_CHECK', 'RECORD_REFUSED', 'REFER'],
  CASE_OPENED: ['START_CHECK', 'RECORD_REFUSED', 'REFER', 'OPEN_CASE'],
  CLOSED: ['START_CHECK', 'RECORD_REFUSED', 'REFER', 'OPEN_CASE', 'CLOSE'],
};

const STEP_TO: Readonly<Record<string, ClueSeedStatus>> = {
  START_CHECK: 'CHECKING',
  RECORD_RECTIFIED: 'RECTIFIED',
  RECORD_INVALID: 'INVALID',
  RECORD_REFUSED: 'REFUSED',
  REFER: 'REFERRED',
  OPEN_CASE: 'CASE_OPENED',
  CLOSE: 'CLOSED',
};

export const CLUE_STATUSES = Object.keys(CLUE_STEPS) as ClueSeedStatus[];

/** The outcome the enforcement platform wrote back on a seeded closed clue. */
export const SEEDED_OUTCOME = '责令限期整改指令书（《安全生产法》第六十五条）：复查合格，已整改';

export interface ClueSite {
  enterprise: EnterpriseSeed;
  gridId: string;
  /** The district's law-enforcement officer who takes referred clues. */
  officer: string;
}

/**
 * One clue in every state at `site(i)` for the i-th state, with the trail that leads there. Uses
 * its own random stream (`rng`), so adding clues leaves every other generated row as it was.
 */
export function addClues(ctx: Context, rng: Random, sites: readonly ClueSite[]): ClueSeed[] {
  const added: ClueSeed[] = [];
  CLUE_STATUSES.forEach((status, i) => {
    const { enterprise: e, gridId, officer } = sites[i]!;
    const t = rng.pick(CLUE_TEMPLATES);
    const reporterId = ctx.gridMembers.get(gridId)![0]!;
    const reporter = ctx.memberNames.get(reporterId)!;
    const reportedMs = ctx.now - rng.int(3, 20) * DAY - rng.int(1, 12) * HOUR;
    const clue: ClueSeed = {
      id: rng.uuid(),
      text: t.text,
      category: t.category,
      photos: [`upload:${rng.uuid().slice(0, 8)}`],
      lat: e.lat,
      lon: e.lon,
      address: e.address,
      reporter_id: reporterId,
      patrol_id: null,
      enterprise_id: e.id,
      grid_id: gridId,
      district_code: e.district_code,
      status,
      explanation: null,
      referred_at: null,
      task_id: null,
      outcome: null,
      decided_at: null,
      reported_at: iso(reportedMs),
    };
    const trail = ctx.ds.grid.clue_event!;
    trail.push({
      clue_id: clue.id,
      action: 'REPORT',
      from_status: null,
      to_status: 'NEW',
      actor: reporter,
      note: null,
      at: clue.reported_at,
    });
    let from: ClueSeedStatus = 'NEW';
    CLUE_STEPS[status].forEach((action, k) => {
      const at = iso(reportedMs + (k + 1) * 6 * HOUR);
      const to = STEP_TO[action]!;
      const byOfficer = action === 'OPEN_CASE' || action === 'CLOSE';
      let note: string | null = null;
      if (action === 'RECORD_RECTIFIED') note = clue.explanation = '已当场督促整改完毕';
      if (action === 'RECORD_INVALID') note = clue.explanation = '现场核实，情况不属实';
      if (action === 'RECORD_REFUSED') note = clue.explanation = t.refusal;
      if (action === 'REFER') {
        note = '拒不整改，提请区应急管理局执法';
        clue.referred_at = at;
        clue.task_id = `CLUE:${clue.id}`;
      }
      if (action === 'CLOSE') {
        note = clue.outcome = SEEDED_OUTCOME;
        clue.decided_at = at;
      }
      trail.push({
        clue_id: clue.id,
        action,
        from_status: from,
        to_status: to,
        actor: byOfficer ? officer : reporter,
        note,
        at,
      });
      from = to;
    });
    ctx.ds.grid.clue!.push(clue);
    added.push(clue);
  });
  return added;
}
