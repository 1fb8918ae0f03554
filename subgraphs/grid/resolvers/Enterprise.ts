import { z } from 'zod';
import { validate } from '../../../common/validation';
import type { GridContext } from '../context';
import type { ClueRow, GridRow, PatrolRow } from '../store/rows';
import { CLUES_FIRST, DEFAULT_CLUES_FIRST } from './Query';

/**
 * Supervision owns enterprises; this subgraph only knows their id and, through `@requires`,
 * the location the gateway fetched from supervision.
 */
export interface EnterpriseReference {
  id: string;
  location?: { lat?: unknown; lon?: unknown } | null;
}

const LAST = z.number().int().min(1).max(100);
const DEFAULT_LAST = 10;

const isCoordinate = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export const Enterprise = {
  // Nothing to look up: every field here is computed from the representation itself.
  __resolveReference: (ref: EnterpriseReference): EnterpriseReference => ref,

  grid(
    enterprise: EnterpriseReference,
    _args: unknown,
    { loaders }: GridContext,
  ): Promise<GridRow | null> | null {
    const lat = enterprise.location?.lat;
    const lon = enterprise.location?.lon;
    if (!isCoordinate(lat) || !isCoordinate(lon)) return null;
    return loaders.smallGridAt.load({ lon, lat, enterpriseId: enterprise.id });
  },

  patrols(
    enterprise: EnterpriseReference,
    args: { last?: number | null },
    { loaders }: GridContext,
  ): Promise<PatrolRow[]> {
    // An explicit `last: null` means "the default", as omitting it does.
    const last = validate(LAST, args.last ?? DEFAULT_LAST, 'last');
    return loaders.enterprisePatrols.load({ enterpriseId: enterprise.id, last });
  },

  clues(
    enterprise: EnterpriseReference,
    args: { first?: number | null },
    { loaders }: GridContext,
  ): Promise<ClueRow[]> {
    const first = validate(CLUES_FIRST, args.first ?? DEFAULT_CLUES_FIRST, 'first');
    return loaders.cluesOf.load({ by: 'enterprise', id: enterprise.id, status: null, first });
  },
};
