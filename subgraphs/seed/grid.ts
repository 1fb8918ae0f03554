/** The grid platform's rows: the area tree, the two subdistricts' grids, their people and patrols. */
import { daysAgo, iso } from './context';
import type { Context } from './context';
import { PATROL_FINDINGS_BAD, PATROL_FINDINGS_OK, personName, phoneNumber } from './names';
import { CITY, DISTRICTS, JINJIALING, ZHENJIANG_ROAD, boxText, communityCode, splitRect } from './places';
import type { Rect, Subdistrict } from './places';
import type { EnterpriseSeed, GridSeed } from './types';

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
