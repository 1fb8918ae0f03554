import DataLoader from 'dataloader';

/**
 * A loader for rows looked up by a unique key: one batched statement per tick, results
 * returned in key order with `null` for keys that matched nothing (the DataLoader contract).
 */
export function uniqueLoader<K extends string, V>(
  fetch: (keys: readonly K[]) => Promise<V[]>,
  keyOf: (row: V) => K,
): DataLoader<K, V | null> {
  return new DataLoader<K, V | null>(async (keys) => {
    const rows = await fetch(keys);
    const byKey = new Map<K, V>(rows.map((r) => [keyOf(r), r]));
    return keys.map((k) => byKey.get(k) ?? null);
  });
}

/**
 * A loader for one-to-many lookups (an enterprise's hazards, a grid's members): one batched
 * statement returns every child of every key; each key gets its list in the statement's order.
 * `cacheKeyFn` lets composite keys (an id plus arguments) share one batch per distinct key.
 */
export function groupLoader<K, V>(
  fetch: (keys: readonly K[]) => Promise<V[]>,
  groupOf: (row: V) => string,
  cacheKeyFn: (key: K) => string = (k) => String(k),
): DataLoader<K, V[], string> {
  return new DataLoader<K, V[], string>(
    async (keys) => {
      const rows = await fetch(keys);
      const groups = new Map<string, V[]>();
      for (const row of rows) {
        const g = groupOf(row);
        const list = groups.get(g);
        if (list) list.push(row);
        else groups.set(g, [row]);
      }
      return keys.map((k) => groups.get(cacheKeyFn(k)) ?? []);
    },
    { cacheKeyFn },
  );
}

/** RFC 4122 shape check, so a malformed id is a miss rather than a database cast error. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string): boolean => UUID.test(s);

/**
 * Wraps a batch fetch so malformed uuids never reach SQL, where a `::uuid[]` cast would fail the
 * whole batch: they simply match nothing, and an all-malformed batch sends no statement at all.
 */
export function uuidKeys<V>(fetch: (ids: readonly string[]) => Promise<V[]>) {
  return (keys: readonly string[]): Promise<V[]> => {
    const ids = keys.filter(isUuid);
    return ids.length ? fetch(ids) : Promise.resolve([]);
  };
}
