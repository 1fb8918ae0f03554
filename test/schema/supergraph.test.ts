import { readFileSync } from 'node:fs';
import { composeSupergraph } from '../../common/composition';
import { SUBGRAPHS, SUPERGRAPH_PATH, defaultSubgraphUrl, sdlPath } from '../../subgraphs/catalog';

describe('schema/supergraph.graphql', () => {
  it('is what `npm run compose` makes from the subgraph SDLs today (run it after editing schema/)', () => {
    const fresh = composeSupergraph(
      SUBGRAPHS.map(({ name }) => ({
        name,
        url: defaultSubgraphUrl(name),
        sdl: readFileSync(sdlPath(name), 'utf8'),
      })),
    );
    expect(readFileSync(SUPERGRAPH_PATH, 'utf8')).toBe(fresh);
  });

  it('refuses subgraphs that do not compose', () => {
    const broken = [
      {
        name: 'a',
        url: 'http://a',
        sdl: 'type Query { x: Int } type T @key(fields: "id") { id: ID! n: Int }',
      },
      {
        name: 'b',
        url: 'http://b',
        sdl: 'type Query { y: Int } type T @key(fields: "id") { id: ID! n: String }',
      },
    ].map((s) => ({
      ...s,
      sdl: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"]) ${s.sdl}`,
    }));
    expect(() => composeSupergraph(broken)).toThrow(/Composition failed/);
  });
});
