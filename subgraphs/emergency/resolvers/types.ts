/** Shapes shared by the resolver files. */

/** An entity reference as the router sends it to `__resolveReference`. */
export interface EntityRef {
  id: string;
}

/** A reference to an entity another subgraph resolves: the router fetches its other fields there. */
export const entityRef = (typename: 'Enterprise' | 'Grid', id: string) => ({ __typename: typename, id });

export const geoPoint = (row: { lat: number; lon: number }) => ({ lat: row.lat, lon: row.lon });

export type NoArgs = Record<string, never>;
