import type { EventStream, NewStreamEntry, StreamEntry } from './types';
import { compareIds } from './types';

interface Group {
  /** Id of the last entry handed out with `>`. */
  cursor: string;
  pending: Map<string, { consumer: string; deliveredAt: number; deliveries: number }>;
}

interface Log {
  entries: StreamEntry[];
  groups: Map<string, Group>;
  waiters: Set<() => void>;
}

export interface MemoryStreamOptions {
  /** Entries kept per stream; older ones are trimmed like Redis' MAXLEN. @default 100000 */
  maxLength?: number;
}

/**
 * The embedded default's event stream: the semantics of a Redis Stream (ordered ids, blocking
 * reads, consumer groups with pending entries) inside one process. Nothing survives a restart.
 */
export function createMemoryStream(options: MemoryStreamOptions = {}): EventStream {
  const maxLength = options.maxLength ?? 100_000;
  const logs = new Map<string, Log>();
  let lastMs = 0;
  let seq = 0;
  let closed = false;

  const log = (name: string): Log => {
    let l = logs.get(name);
    if (!l) logs.set(name, (l = { entries: [], groups: new Map(), waiters: new Set() }));
    return l;
  };
  const nextId = (): string => {
    const now = Date.now();
    if (now > lastMs) {
      lastMs = now;
      seq = 0;
    } else seq++;
    return `${lastMs}-${seq}`;
  };
  // Index of the first entry with id > afterId (entries are sorted by id).
  const firstAfter = (entries: StreamEntry[], afterId: string): number => {
    let lo = 0;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareIds(entries[mid]!.id, afterId) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const wait = (l: Log, ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        l.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      l.waiters.add(done);
    });
  const group = (stream: string, name: string): Group => {
    const g = log(stream).groups.get(name);
    if (!g) throw new Error(`NOGROUP no consumer group ${name} on stream ${stream}`);
    return g;
  };
  const ensureOpen = () => {
    if (closed) throw new Error('event stream closed');
  };

  return {
    kind: 'memory',
    async append(stream, entries: readonly NewStreamEntry[]) {
      ensureOpen();
      const l = log(stream);
      const ids = entries.map((e) => {
        const entry = { ...e, id: nextId() };
        l.entries.push(entry);
        return entry.id;
      });
      if (l.entries.length > maxLength) l.entries.splice(0, l.entries.length - maxLength);
      for (const wake of [...l.waiters]) wake();
      return ids;
    },
    async range(stream, afterId, count) {
      const entries = log(stream).entries;
      const from = afterId === '0' ? 0 : firstAfter(entries, afterId);
      return entries.slice(from, from + count);
    },
    async tail(stream, count) {
      return log(stream).entries.slice(-count).reverse();
    },
    async read(stream, afterId, blockMs, count) {
      ensureOpen();
      const l = log(stream);
      const after = afterId === '$' ? (l.entries.at(-1)?.id ?? '0-0') : afterId;
      const deadline = Date.now() + blockMs;
      for (;;) {
        const from = firstAfter(l.entries, after);
        if (from < l.entries.length || closed) return l.entries.slice(from, from + count);
        const left = deadline - Date.now();
        if (left <= 0) return [];
        await wait(l, left);
      }
    },
    async lastId(stream) {
      return log(stream).entries.at(-1)?.id ?? '0-0';
    },
    async ensureGroup(stream, name) {
      const l = log(stream);
      if (!l.groups.has(name)) l.groups.set(name, { cursor: '0-0', pending: new Map() });
    },
    async readGroup(stream, name, consumer, { blockMs, count, pendingOnly }) {
      ensureOpen();
      const l = log(stream);
      const g = group(stream, name);
      if (pendingOnly) {
        const mine = [...g.pending.entries()].filter(([, p]) => p.consumer === consumer).map(([id]) => id);
        return l.entries.filter((e) => mine.includes(e.id)).slice(0, count);
      }
      const deadline = Date.now() + blockMs;
      for (;;) {
        const from = firstAfter(l.entries, g.cursor);
        const batch = l.entries.slice(from, from + count);
        if (batch.length || closed) {
          for (const e of batch) g.pending.set(e.id, { consumer, deliveredAt: Date.now(), deliveries: 1 });
          if (batch.length) g.cursor = batch.at(-1)!.id;
          return batch;
        }
        const left = deadline - Date.now();
        if (left <= 0) return [];
        await wait(l, left);
      }
    },
    async claimIdle(stream, name, consumer, minIdleMs, count) {
      const l = log(stream);
      const g = group(stream, name);
      const now = Date.now();
      const claimed: { entry: StreamEntry; deliveries: number }[] = [];
      for (const [id, p] of g.pending) {
        if (claimed.length >= count) break;
        if (now - p.deliveredAt < minIdleMs) continue;
        const entry = l.entries.find((e) => e.id === id);
        if (!entry) {
          g.pending.delete(id); // trimmed away, as XAUTOCLAIM drops deleted entries
          continue;
        }
        p.consumer = consumer;
        p.deliveredAt = now;
        p.deliveries++;
        claimed.push({ entry, deliveries: p.deliveries });
      }
      return claimed;
    },
    async ack(stream, name, ids) {
      const g = group(stream, name);
      for (const id of ids) g.pending.delete(id);
    },
    async close() {
      closed = true;
      for (const l of logs.values()) for (const wake of [...l.waiters]) wake();
    },
  };
}
