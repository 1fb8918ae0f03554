import { Kind, parse } from 'graphql';
import type { DocumentNode } from 'graphql';
import type { EventStream } from '../../common/events';
import type { Logger } from '../../common/logger';
import { readStreamRules } from '../subscriptions/rules';
import type { CacheStore } from './store';

/**
 * Which subgraph writes each event stream of the supergraph: the subgraph that declares the
 * `@eventStream` subscription field (its `@join__type`/`@join__field` graph).
 */
export function streamOwners(supergraphSdl: string): Map<string, string> {
  const doc: DocumentNode = parse(supergraphSdl);
  const graphNames = new Map<string, string>();
  for (const def of doc.definitions) {
    if (def.kind !== Kind.ENUM_TYPE_DEFINITION || def.name.value !== 'join__Graph') continue;
    for (const value of def.values ?? []) {
      const name = value.directives
        ?.find((d) => d.name.value === 'join__graph')
        ?.arguments?.find((a) => a.name.value === 'name')?.value;
      if (name?.kind === Kind.STRING) graphNames.set(value.name.value, name.value);
    }
  }
  const graphOf = (
    directives: readonly { name: { value: string }; arguments?: readonly unknown[] }[] = [],
  ) => {
    for (const d of directives) {
      if (d.name.value !== 'join__field' && d.name.value !== 'join__type') continue;
      const graph = (
        d.arguments as { name: { value: string }; value: { kind: string; value?: string } }[]
      )?.find((a) => a.name.value === 'graph')?.value;
      if (graph?.kind === Kind.ENUM && graph.value) return graphNames.get(graph.value);
    }
    return undefined;
  };
  const rules = readStreamRules(doc);
  const owners = new Map<string, string>();
  for (const def of doc.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    for (const field of def.fields ?? []) {
      const rule = rules.get(field.name.value);
      if (!rule || !field.directives?.some((d) => d.name.value === 'eventStream')) continue;
      const owner = graphOf(field.directives) ?? graphOf(def.directives);
      if (owner) owners.set(rule.stream, owner);
    }
  }
  return owners;
}

export interface StreamInvalidationOptions {
  events: EventStream;
  store: CacheStore;
  logger: Logger;
}

/**
 * Invalidates a subgraph's cached data whenever one of its event streams carries an entry: alarms
 * raised by device readings change the emergency platform's data without any mutation passing
 * through the gateway. Each gateway process follows the streams itself (a bump is idempotent in
 * effect: any change of generation invalidates).
 */
export function createStreamInvalidation(options: StreamInvalidationOptions) {
  const { events, store, logger } = options;
  const followed = new Map<string, { owner: string }>();
  const loops: Promise<void>[] = [];
  let closed = false;

  const follow = (stream: string, state: { owner: string }) =>
    (async () => {
      let last: string | undefined;
      let failures = 0;
      while (!closed) {
        try {
          last ??= await events.lastId(stream);
          const entries = await events.read(stream, last, 1_000, 1_000);
          failures = 0;
          if (!entries.length) continue;
          last = entries[entries.length - 1]!.id;
          await store.bump(state.owner);
        } catch (err) {
          failures++;
          if (failures === 1 || failures % 50 === 0)
            logger.warn({ err, stream, failures }, 'cache invalidation cannot read event stream; will retry');
          // Entries appended meanwhile may have been missed: invalidate rather than serve them stale.
          await store.bump(state.owner);
          await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** failures, 2_000)));
        }
      }
    })();

  return {
    /** Follows the streams of this supergraph (called again after each reload; new streams are added). */
    update(supergraphSdl: string): void {
      for (const [stream, owner] of streamOwners(supergraphSdl)) {
        const state = followed.get(stream);
        if (state) {
          state.owner = owner;
          continue;
        }
        const fresh = { owner };
        followed.set(stream, fresh);
        loops.push(follow(stream, fresh));
      }
    },
    async close(): Promise<void> {
      closed = true;
      await Promise.all(loops);
    },
  };
}
