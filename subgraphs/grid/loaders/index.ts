import DataLoader from 'dataloader';
import type { Queryable } from '../../../common/db';
import { groupLoader, isUuid, uniqueLoader, uuidKeys } from '../../../common/loaders';
import { EVERYWHERE } from '../store/area';
import type { GridArea } from '../store/area';
import { areasByCodes, areasByLevels, areasByParentCodes } from '../store/areas';
import {
  gridsByAreaCodes,
  gridsByCodes,
  gridsByIds,
  gridsByMemberIds,
  gridsByParentIds,
  gridsUnderAreas,
  smallGridsAt,
} from '../store/grids';
import type { GridPoint, GridsUnderArea } from '../store/grids';
import { membersByGridIds, membersByIds } from '../store/members';
import { clueEventsByClueIds, cluesByIds, cluesOf } from '../store/clues';
import type { CluesOf } from '../store/clues';
import { patrolsByIds, recentPatrols } from '../store/patrols';
import type { RecentPatrols } from '../store/patrols';
import type {
  AdminAreaRow,
  AdminLevel,
  ClueEventRow,
  ClueRow,
  GridRow,
  MemberRow,
  PatrolRow,
} from '../store/rows';

/**
 * A loader for statements whose keys are several values (or computed), so rows cannot be matched
 * back by a column: the store numbers each row with its key's position (`batch`). Keys failing
 * `accept` answer `[]` without reaching the database.
 */
function positionalLoader<K, V extends { batch: number }>(
  fetch: (keys: readonly K[]) => Promise<V[]>,
  cacheKeyFn: (key: K) => string,
  accept: (key: K) => boolean = () => true,
): DataLoader<K, V[], string> {
  return new DataLoader<K, V[], string>(
    async (keys) => {
      const positions: number[] = [];
      keys.forEach((k, i) => {
        if (accept(k)) positions.push(i);
      });
      const results = keys.map((): V[] => []);
      if (!positions.length) return results;
      const rows = await fetch(positions.map((i) => keys[i]!));
      for (const row of rows) results[positions[row.batch]!]!.push(row);
      return results;
    },
    { cacheKeyFn },
  );
}

/**
 * One request's loaders: created per request so nothing is cached across requests, and for one
 * caller's `area`, which every statement filters by (admin areas excepted: they are public).
 *
 * The `…Ref` loaders are not filtered: they resolve the non-null references of a row the caller
 * may already see (a patrol's member and grid, a clue's reporter and grid), which belong to that
 * row. Without them an enterprise could not see who patrolled it, and a clue reported by a member
 * since assigned elsewhere would fail instead of naming its reporter. Whatever is reached from
 * them (a grid's members, a member's grids) is filtered again.
 */
export function createGridLoaders(db: Queryable, area: GridArea) {
  const smallGridsByPoint = positionalLoader(
    (points: readonly GridPoint[]) => smallGridsAt(db, points, area),
    (p) => `${p.lon},${p.lat},${p.enterpriseId ?? ''}`,
  );
  const gridById = (scope: GridArea) =>
    uniqueLoader<string, GridRow>(
      uuidKeys((ids) => gridsByIds(db, ids, scope)),
      (g) => g.id,
    );
  const memberById = (scope: GridArea) =>
    uniqueLoader<string, MemberRow>(
      uuidKeys((ids) => membersByIds(db, ids, scope)),
      (m) => m.id,
    );
  return {
    areaByCode: uniqueLoader<string, AdminAreaRow>(
      (codes) => areasByCodes(db, codes),
      (a) => a.code,
    ),
    /** Keyed by level; only CITY is asked for, and the tree has one city. */
    areaByLevel: uniqueLoader<AdminLevel, AdminAreaRow>(
      (levels) => areasByLevels(db, levels),
      (a) => a.level,
    ),
    areaChildren: groupLoader<string, AdminAreaRow>(
      (codes) => areasByParentCodes(db, codes),
      (a) => a.parentCode!,
    ),
    gridById: gridById(area),
    gridRef: gridById(EVERYWHERE),
    gridByCode: uniqueLoader<string, GridRow>(
      (codes) => gridsByCodes(db, codes, area),
      (g) => g.code,
    ),
    gridChildren: groupLoader<string, GridRow>(
      uuidKeys((ids) => gridsByParentIds(db, ids, area)),
      (g) => g.parentId!,
    ),
    gridsInArea: groupLoader<string, GridRow>(
      (codes) => gridsByAreaCodes(db, codes, area),
      (g) => g.areaCode,
    ),
    gridsUnderArea: positionalLoader(
      (keys: readonly GridsUnderArea[]) => gridsUnderAreas(db, keys, area),
      (k) => `${k.areaCode}|${k.level ?? ''}|${k.first}`,
    ),
    /** The small grid containing a point (an enterprise's location, naming it), or null. */
    smallGridAt: {
      load: async (point: GridPoint): Promise<GridRow | null> =>
        (await smallGridsByPoint.load(point))[0] ?? null,
    },
    memberById: memberById(area),
    memberRef: memberById(EVERYWHERE),
    gridMembers: groupLoader<string, MemberRow & { gridId: string }>(
      uuidKeys((ids) => membersByGridIds(db, ids, area)),
      (m) => m.gridId,
    ),
    memberGrids: groupLoader<string, GridRow & { memberId: string }>(
      uuidKeys((ids) => gridsByMemberIds(db, ids, area)),
      (g) => g.memberId,
    ),
    enterprisePatrols: positionalLoader<RecentPatrols, PatrolRow & { batch: number }>(
      (keys) => recentPatrols(db, keys, area),
      (k) => `${k.enterpriseId}|${k.last}`,
      (k) => isUuid(k.enterpriseId),
    ),
    patrolById: uniqueLoader<string, PatrolRow>(
      uuidKeys((ids) => patrolsByIds(db, ids, area)),
      (p) => p.id,
    ),
    clueById: uniqueLoader<string, ClueRow>(
      uuidKeys((ids) => cluesByIds(db, ids, area)),
      (c) => c.id,
    ),
    /** A clue's trail belongs to the clue: only asked for clues the caller already sees. */
    clueEvents: groupLoader<string, ClueEventRow>(
      uuidKeys((ids) => clueEventsByClueIds(db, ids)),
      (e) => e.clueId,
    ),
    /** An enterprise's or a grid's newest clues. */
    cluesOf: positionalLoader<CluesOf, ClueRow & { batch: number }>(
      (keys) => cluesOf(db, keys, area),
      (k) => `${k.by}|${k.id}|${k.status?.join(',') ?? ''}|${k.first}`,
      (k) => isUuid(k.id),
    ),
  };
}

export type GridLoaders = ReturnType<typeof createGridLoaders>;
