import { Kind, parse } from 'graphql';

export interface SubgraphEndpoint {
  name: string;
  url: string;
}

/**
 * The subgraphs a supergraph names, from its `join__Graph` enum
 * (`SUPERVISION @join__graph(name: "supervision", url: "…")`), with `overrides` (by lower-cased
 * name) replacing the URLs written in it.
 */
export function subgraphsOf(
  supergraphSdl: string,
  overrides: Readonly<Record<string, string>> = {},
): SubgraphEndpoint[] {
  const out: SubgraphEndpoint[] = [];
  for (const def of parse(supergraphSdl, { noLocation: true }).definitions) {
    if (def.kind !== Kind.ENUM_TYPE_DEFINITION || def.name.value !== 'join__Graph') continue;
    for (const value of def.values ?? []) {
      const directive = value.directives?.find((d) => d.name.value === 'join__graph');
      const arg = (name: string) => {
        const v = directive?.arguments?.find((a) => a.name.value === name)?.value;
        return v?.kind === Kind.STRING ? v.value : undefined;
      };
      const name = arg('name');
      const url = arg('url');
      if (name) out.push({ name, url: overrides[name.toLowerCase()] ?? url ?? '' });
    }
  }
  return out;
}
