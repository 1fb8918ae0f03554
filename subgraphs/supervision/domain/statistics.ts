/**
 * Pure parts of the district statistics (一键全知道): calendar years in Qingdao's time zone, shares
 * and the year-on-year ratio. The definitions are in docs/workflow.md ("District statistics").
 */

/** The instants bounding calendar year `year` in Asia/Shanghai (UTC+8, no daylight saving): [start, end). */
export function shanghaiYear(year: number): { start: string; end: string } {
  const pad = (y: number) => String(y).padStart(4, '0');
  return { start: `${pad(year)}-01-01T00:00:00+08:00`, end: `${pad(year + 1)}-01-01T00:00:00+08:00` };
}

/** `part / whole`, rounded to 4 decimals; null when `whole` is 0 (no share of nothing). */
export function share(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000;
}

/**
 * How many times last year's coverage this year's is (2 = doubled), rounded to 4 decimals; null
 * when last year covered nothing, since no multiple of 0 is meaningful.
 */
export function coverageRatio(thisYear: number | null, lastYear: number | null): number | null {
  if (thisYear === null || lastYear === null || lastYear === 0) return null;
  return Math.round((thisYear / lastYear) * 10_000) / 10_000;
}

/** Every combination in `keys` with its count from `rows` (0 when absent), in `keys` order. */
export function dense<K extends string>(
  keys: readonly K[],
  counts: ReadonlyMap<string, number>,
): { key: K; count: number }[] {
  return keys.map((key) => ({ key, count: counts.get(key) ?? 0 }));
}
