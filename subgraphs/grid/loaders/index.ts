import DataLoader from 'dataloader';
import type { Queryable } from '../../../common/db';
import { groupLoader, isUuid, uniqueLoader, uuidKeys } from '../../../common/loaders';
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
import type { GridsUnderArea, LonLat } from '../store/grids';
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

/** One request's loaders: created per request so nothing is cached across requests. */
export function createGridLoaders(db: Queryable) {
  const smallGridsByPoint = positionalLoader(
    (points: readonly LonLat[]) => smallGridsAt(db, points),
    (p) => `${p.lon},${p.lat}`,
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
    gridById: uniqueLoader<string, GridRow>(
      uuidKeys((ids) => gridsByIds(db, ids)),
      (g) => g.id,
    ),
    gridByCode: uniqueLoader<string, GridRow>(
      (codes) => gridsByCodes(db, codes),
      (g) => g.code,
    ),
    gridChildren: groupLoader<string, GridRow>(
      uuidKeys((ids) => gridsByParentIds(db, ids)),
      (g) => g.parentId!,
    ),
    gridsInArea: groupLoader<string, GridRow>(
      (codes) => gridsByAreaCodes(db, codes),
      (g) => g.areaCode,
    ),
    gridsUnderArea: positionalLoader(
      (keys: readonly GridsUnderArea[]) => gridsUnderAreas(db, keys),
      (k) => `${k.areaCode}|${k.level ?? ''}|${k.first}`,
    ),
    /** The small grid containing a point, or null. */
    smallGridAt: {
      load: async (point: LonLat): Promise<GridRow | null> =>
        (await smallGridsByPoint.load(point))[0] ?? null,
    },
    memberById: uniqueLoader<string, MemberRow>(
      uuidKeys((ids) => membersByIds(db, ids)),
      (m) => m.id,
    ),
    gridMembers: groupLoader<string, MemberRow & { gridId: string }>(
      uuidKeys((ids) => membersByGridIds(db, ids)),
      (m) => m.gridId,
    ),
    memberGrids: groupLoader<string, GridRow & { memberId: string }>(
      uuidKeys((ids) => gridsByMemberIds(db, ids)),
      (g) => g.memberId,
    ),
    enterprisePatrols: positionalLoader<RecentPatrols, PatrolRow & { batch: number }>(
      (keys) => recentPatrols(db, keys),
      (k) => `${k.enterpriseId}|${k.last}`,
      (k) => isUuid(k.enterpriseId),
    ),
    patrolById: uniqueLoader<string, PatrolRow>(
      uuidKeys((ids) => patrolsByIds(db, ids)),
      (p) => p.id,
    ),
    clueById: uniqueLoader<string, ClueRow>(
      uuidKeys((ids) => cluesByIds(db, ids)),
      (c) => c.id,
    ),
    clueEvents: groupLoader<string, ClueEventRow>(
      uuidKeys((ids) => clueEventsByClueIds(db, ids)),
      (e) => e.clueId,
    ),
    /** An enterprise's or a grid's newest clues. */
    cluesOf: positionalLoader<CluesOf, ClueRow & { batch: number }>(
      (keys) => cluesOf(db, keys),
      (k) => `${k.by}|${k.id}|${k.status?.join(',') ?? ''}|${k.first}`,
      (k) => isUuid(k.id),
    ),
  };
}

export type GridLoaders = ReturnType<typeof createGridLoaders>;
