/** One dependency's state in a `/ready` answer. */
export interface CheckResult {
  ok: boolean;
  latencyMs?: number;
  error?: string;
  [detail: string]: unknown;
}

/** Resolves when the dependency answers; may resolve with details to report beside `ok`. */
export type ReadinessCheck = () => Promise<Record<string, unknown> | void>;

/**
 * Runs `check` with a deadline and reports `{ ok, latencyMs }`, or `{ ok: false, error }` when it
 * throws or runs past `timeoutMs`. Never rejects.
 */
export async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const details = await Promise.race([
      check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true, latencyMs: Math.round(performance.now() - started), ...(details || {}) };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every check at once; `ok` only when all are. */
export async function runChecks(
  checks: ReadonlyMap<string, ReadinessCheck>,
  timeoutMs: number,
): Promise<{ ok: boolean; checks: Record<string, CheckResult> }> {
  const entries = await Promise.all(
    [...checks].map(async ([name, check]) => [name, await runCheck(check, timeoutMs)] as const),
  );
  return { ok: entries.every(([, r]) => r.ok), checks: Object.fromEntries(entries) };
}
