import { createHash } from 'node:crypto';

/** What one cache entry holds: the data, when it expires, and the generations it was computed under. */
export interface Entry<T> {
  /** Generation per subgraph (partition) the data was read under. */
  g: Record<string, number>;
  /** Expiry, ms since the epoch (the store also expires it; this gives the remaining max-age). */
  e: number;
  d: T;
}

export function encodeEntry<T>(entry: Entry<T>): string {
  return JSON.stringify(entry);
}

/**
 * The entry's data when every generation it recorded still matches `current` and it has not
 * expired; otherwise undefined (a miss).
 */
export function decodeEntry<T>(
  raw: string | null,
  current: Readonly<Record<string, number | null>>,
  now: number,
): Entry<T> | undefined {
  if (raw === null) return undefined;
  let entry: Entry<T>;
  try {
    entry = JSON.parse(raw) as Entry<T>;
  } catch {
    return undefined;
  }
  if (!(entry.e > now)) return undefined;
  for (const [partition, generation] of Object.entries(entry.g)) {
    if (current[partition] !== generation) return undefined;
  }
  return entry;
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
