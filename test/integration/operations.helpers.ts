import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { GATEWAY_TEST_ENV } from '../harness/auth';

/**
 * Polls `probe` until `accept` holds and returns that value; fails with the last value after
 * `timeoutMs`. Stands in for sleeps: tests wait for a condition, never for a duration.
 */
export async function until<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  { timeoutMs = 15_000, intervalMs = 25 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    try {
      last = await probe();
      if (accept(last)) return last;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * The sum of a metric's samples whose labels include `labels`, from Prometheus text format
 * (0 when there is none).
 */
export function metricValue(text: string, name: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries(
      [...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(m[3]);
  }
  return sum;
}

export interface SpawnedGateway {
  child: ChildProcessWithoutNullStreams;
  /** Its JSON log lines so far. */
  logs: Record<string, unknown>[];
  /** Its exit code, once it and every process sharing its output (cluster workers) are gone. */
  exited: Promise<number | null>;
  stderr(): string;
}

/**
 * The real gateway entry (`node --import tsx gateway/index.ts`) as a process of its own, with the
 * test secrets, info-level JSON logs and `env` on top.
 */
export function spawnGatewayProcess(env: Record<string, string>): SpawnedGateway {
  const child = spawn(process.execPath, ['--import', 'tsx', 'gateway/index.ts'], {
    cwd: join(__dirname, '..', '..'),
    env: {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      LOG_LEVEL: 'info',
      PLAYGROUND: 'false',
      SUPERGRAPH_WATCH: 'false',
      ...GATEWAY_TEST_ENV,
      ...env,
    },
  });
  const logs: Record<string, unknown>[] = [];
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) if (line.startsWith('{')) logs.push(JSON.parse(line));
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, logs, exited, stderr: () => stderr };
}
