import { join } from 'node:path';

/** The city's three platforms: their subgraph names, SDL files and default ports. */
export const SUBGRAPHS = [
  { name: 'supervision', port: 4001 },
  { name: 'grid', port: 4002 },
  { name: 'emergency', port: 4003 },
] as const;

export type SubgraphName = (typeof SUBGRAPHS)[number]['name'];

export const SCHEMA_DIR = join(__dirname, '..', 'schema');
export const SUPERGRAPH_PATH = join(SCHEMA_DIR, 'supergraph.graphql');

export const sdlPath = (name: SubgraphName): string => join(SCHEMA_DIR, `${name}.graphql`);

export const defaultSubgraphUrl = (name: SubgraphName): string =>
  `http://localhost:${SUBGRAPHS.find((s) => s.name === name)!.port}/graphql`;
