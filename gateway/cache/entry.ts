import { createHash } from 'node:crypto';

/** What one cache entry holds: the data, when it expires, and the generations it was computed under. */
export interface Entry<T> {
  /** Generation per subgraph (partition) the data was read under. */
  g: Record<string, number>;
  /** Expiry, ms since the epoch (the store also expires it; this gives the remaining max-age). */
  e: number;
  d: T;
}

/**
 * The entry as stored: its header (generations, expiry) as one line of JSON, then its data as JSON.
 * Compact JSON never holds a raw line break, so the first one ends the header; a hit is checked by
 * parsing the short header alone, and a cached response is sent on without parsing its data.
 */
export function encodeEntry<T>(entry: Entry<T>): string {
  return `${JSON.stringify({ g: entry.g, e: entry.e })}\n${JSON.stringify(entry.d)}`;
}

/**
 * The entry with its data still as JSON text when every generation it recorded still matches
 * `current` and it has not expired; otherwise undefined (a miss). An entry in any other layout
 * (one an earlier version wrote, say) is a miss too: it is simply computed and written again.
 */
export function decodeEntryText(
  raw: string | null,
  current: Readonly<Record<string, number | null>>,
  now: number,
): Entry<string> | undefined {
  if (raw === null) return undefined;
  const end = raw.indexOf('\n');
  if (end < 0) return undefined;
  let header: Omit<Entry<unknown>, 'd'>;
  try {
    header = JSON.parse(raw.slice(0, end)) as Omit<Entry<unknown>, 'd'>;
  } catch {
    return undefined;
  }
  if (typeof header !== 'object' || header === null || !(header.e > now)) return undefined;
  for (const [partition, generation] of Object.entries(header.g ?? {})) {
    if (current[partition] !== generation) return undefined;
  }
  return { g: header.g, e: header.e, d: raw.slice(end + 1) };
}

/** As `decodeEntryText`, with the data parsed. */
export function decodeEntry<T>(
  raw: string | null,
  current: Readonly<Record<string, number | null>>,
  now: number,
): Entry<T> | undefined {
  const entry = decodeEntryText(raw, current, now);
  if (!entry) return undefined;
  try {
    return { ...entry, d: JSON.parse(entry.d) as T };
  } catch {
    return undefined;
  }
}

/** Whole seconds left before `entry` expires (at least 0), for the response's cache policy. */
export const remainingSeconds = (entry: Entry<unknown>, now: number): number =>
  Math.max(0, Math.floor((entry.e - now) / 1000));

export const digest = (...parts: readonly string[]): string => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('base64url');
};

/**
 * `max-age` of a `cache-control` header in seconds, or 0 when absent, `private` or `no-store`:
 * entries are shared by every caller of one access scope, so data marked for one person is not cached.
 */
export function maxAgeOf(header: string | null | undefined): number {
  if (!header) return 0;
  const directives = header
    .toLowerCase()
    .split(',')
    .map((d) => d.trim());
  if (directives.some((d) => d === 'private' || d === 'no-store' || d === 'no-cache')) return 0;
  const maxAge = directives.find((d) => d.startsWith('max-age='));
  const seconds = maxAge ? Number(maxAge.slice('max-age='.length)) : 0;
  return Number.isInteger(seconds) && seconds > 0 ? seconds : 0;
}
