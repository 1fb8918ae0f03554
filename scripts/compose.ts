// Writes schema/supergraph.graphql from the subgraph SDLs (`npm run compose`).
import { readFileSync, writeFileSync } from 'node:fs';
import { composeSupergraph } from '../common/composition';
import { SUBGRAPHS, SUPERGRAPH_PATH, defaultSubgraphUrl, sdlPath } from '../subgraphs/catalog';

const supergraph = composeSupergraph(
  SUBGRAPHS.map(({ name }) => ({
    name,
    url: defaultSubgraphUrl(name),
    sdl: readFileSync(sdlPath(name), 'utf8'),
  })),
);
writeFileSync(SUPERGRAPH_PATH, supergraph);
console.log(`wrote ${SUPERGRAPH_PATH}`);
