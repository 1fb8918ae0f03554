/**
 * What part of the grid platform a caller may see, as SQL predicates. Every statement serving a
 * request adds one of these to its WHERE clause, so rows outside the caller's area never leave the
 * database: a lookup by id answers null as if the row did not exist, and a list leaves them out.
 *
 * Areas follow the administrative tree (admin_area.parent_code), not the shape of the codes: the
 * codes happen to be prefix-hierarchical (370203 → 370203010 → 370203010001), but nothing in the
 * schema enforces that, and a code that broke the pattern would silently widen or narrow an area.
 * The walk is a recursive CTE inside the same statement, so it costs no extra round trip.
 *
 * Admin areas themselves are public reference data and are never filtered.
 */
import { Role } from '../../../common/auth';
import type { Caller } from '../../../common/auth';

export type GridArea =
  /** The whole city. */
  | { kind: 'all' }
  /** Nothing at all. */
  | { kind: 'none' }
  /** Grids drawn in an admin area or anywhere below it (a district or a subdistrict). */
  | { kind: 'under'; code: string }
  /** Exactly these grids. */
  | { kind: 'grids'; ids: readonly string[] }
  /** Rows about one enterprise (its patrols and clues), and no grids or members. */
  | { kind: 'enterprise'; id: string };

/** For work the platform does on its own (event consumers) and for checks that must see a row to refuse it. */
export const EVERYWHERE: GridArea = { kind: 'all' };
const NOWHERE: GridArea = { kind: 'none' };

/**
 * The area a caller may see. A missing claim yields nothing rather than everything; the caller
 * schema already refuses such tokens, this only keeps a gap there from becoming a leak here.
 */
export function gridAreaOf(caller: Caller): GridArea {
  switch (caller.role) {
    case Role.CITY_ADMIN:
    case Role.DATA_ANALYST:
    case Role.PARTNER_BUREAU:
      return caller.district ? { kind: 'under', code: caller.district } : EVERYWHERE;
    case Role.DISTRICT_OFFICER:
    case Role.FIRE_STATION:
      return caller.district ? { kind: 'under', code: caller.district } : NOWHERE;
    case Role.SUBDISTRICT_STAFF:
      return caller.subdistrict ? { kind: 'under', code: caller.subdistrict } : NOWHERE;
    case Role.GRID_MEMBER:
      return caller.grids?.length ? { kind: 'grids', ids: caller.grids } : NOWHERE;
    case Role.ENTERPRISE:
      return caller.enterprise ? { kind: 'enterprise', id: caller.enterprise } : NOWHERE;
    case Role.SERVICE_AGENCY:
      // This platform does not know which enterprises an agency serves (supervision keeps that
      // register), so an agency sees nothing here.
      return NOWHERE;
    default:
      return NOWHERE;
  }
}

/** How an area reads in an error message. */
export function describeArea(area: GridArea): string {
  switch (area.kind) {
    case 'all':
      return 'the whole city';
    case 'none':
      return 'no area of the grid platform';
    case 'under':
      return `area ${area.code}`;
    case 'grids':
      return `grids ${area.ids.join(', ')}`;
    case 'enterprise':
      return `enterprise ${area.id}`;
  }
}

/**
 * Parameters of a statement under construction: a predicate appends its values after the
 * statement's own and refers to them by position.
 */
export type Params = unknown[];

const param = (params: Params, value: unknown, cast: string): string => {
  params.push(value);
  return `$${params.length}::${cast}`;
};

/** The codes of an admin area and of every area below it, as a subquery. */
const subtree = (params: Params, code: string): string =>
  `(WITH RECURSIVE under_area(code) AS (
      SELECT ${param(params, code, 'text')}
      UNION
      SELECT child.code FROM grid.admin_area child JOIN under_area up ON child.parent_code = up.code
    ) SELECT code FROM under_area)`;

/** Rows naming the caller's enterprise through `enterpriseId` (an SQL expression); none without one. */
const ofEnterprise = (id: string, params: Params, enterpriseId?: string): string =>
  enterpriseId ? `${enterpriseId} = ${param(params, id, 'uuid')}` : 'false';

/**
 * Whether the grid row aliased `g` is visible. An enterprise sees no grid, except where a
 * statement names the enterprise a grid is looked up for (`enterpriseId`): its own grid, found
 * from its location.
 */
export function gridVisible(area: GridArea, g: string, params: Params, enterpriseId?: string): string {
  switch (area.kind) {
    case 'all':
      return 'true';
    case 'none':
      return 'false';
    case 'under':
      return `${g}.area_code IN ${subtree(params, area.code)}`;
    case 'grids':
      return `${g}.id = ANY(${param(params, area.ids, 'uuid[]')})`;
    case 'enterprise':
      return ofEnterprise(area.id, params, enterpriseId);
  }
}

/**
 * Whether a row lying in the grid `gridId` (an SQL expression) is visible; for an enterprise, rows
 * whose `enterpriseId` expression names it (none when the row has no enterprise column).
 */
export function inVisibleGrid(area: GridArea, gridId: string, params: Params, enterpriseId?: string): string {
  switch (area.kind) {
    case 'all':
      return 'true';
    case 'none':
      return 'false';
    case 'under':
      return `${gridId} IN (SELECT vg.id FROM grid.grid vg WHERE ${gridVisible(area, 'vg', params)})`;
    case 'grids':
      return `${gridId} = ANY(${param(params, area.ids, 'uuid[]')})`;
    case 'enterprise':
      return ofEnterprise(area.id, params, enterpriseId);
  }
}

/** A patrol (alias `p`): in a visible grid, or of the caller's enterprise. */
export const patrolVisible = (area: GridArea, p: string, params: Params): string =>
  inVisibleGrid(area, `${p}.grid_id`, params, `${p}.enterprise_id`);

/** A clue (alias `c`): in a visible grid, or about the caller's enterprise. */
export const clueVisible = (area: GridArea, c: string, params: Params): string =>
  inVisibleGrid(area, `${c}.grid_id`, params, `${c}.enterprise_id`);

/**
 * A member (alias `m`): assigned to a visible grid. Members are people, not rows of an
 * enterprise, so an enterprise sees none (save those named by its own patrols and clues, which
 * come with those rows).
 */
export function memberVisible(area: GridArea, m: string, params: Params): string {
  switch (area.kind) {
    case 'all':
      return 'true';
    case 'none':
    case 'enterprise':
      return 'false';
    case 'under':
    case 'grids':
      return `EXISTS (SELECT 1 FROM grid.assignment va WHERE va.member_id = ${m}.id
        AND ${inVisibleGrid(area, 'va.grid_id', params)})`;
  }
}
