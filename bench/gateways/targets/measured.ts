// The child side of a measured target: each entry point in this folder starts one target in a
// process of its own (so CPU time and peak RSS are its own, and it loads only its own modules),
// then answers the orchestrator's `begin` and `end` over IPC.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import type { FromTarget, ToTarget } from '../protocol';

const send = (message: FromTarget) => process.send!(message);

/**
 * With `--profile`, a CPU profile of each measured window, for Chrome DevTools or speedscope.
 * The profiler costs CPU too: numbers of a profiled run are not comparable with others.
 */
function profiler(dir: string | undefined) {
  if (!dir) return { start: async () => undefined, stop: async () => undefined };
  const session = new Session();
  session.connect();
  const post = (method: string) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, (err, result) => (err ? reject(err) : resolve(result))),
    );
  return {
    async start() {
      await post('Profiler.enable');
      await post('Profiler.start');
    },
    async stop(label: string) {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      writeFileSync(join(dir, `${label}.cpuprofile`), JSON.stringify(profile));
    },
  };
}

/**
 * CPU time and the highest RSS between `begin` and `end`. RSS is sampled every 100 ms (reading
 * it is not free): the kernel's high-water mark (`maxRSS`) never comes down, so it cannot tell
 * one workload's peak from an earlier one's.
 */
function answerMeasurements(): void {
  let since: NodeJS.CpuUsage | undefined;
  let peak = 0;
  let sampler: NodeJS.Timeout | undefined;
  const profile = profiler(process.env.BENCH_PROFILE_DIR || undefined);
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage.rss());
  };
  process.on('message', async (message: ToTarget) => {
    if (message.type === 'begin') {
      await profile.start();
      peak = 0;
      sample();
      sampler = setInterval(sample, 100);
      since = process.cpuUsage();
      send({ type: 'begun' });
    } else if (message.type === 'end') {
      const cpu = process.cpuUsage(since);
      clearInterval(sampler);
      sample();
      await profile.stop(message.label);
      send({ type: 'usage', cpuMs: (cpu.user + cpu.system) / 1000, peakRssMb: peak / 2 ** 20 });
    }
  });
  // The orchestrator going away (even killed) closes the channel: leave with it.
  process.on('disconnect', () => process.exit(0));
}

/** The target's settings, as the orchestrator passed them. */
export const targetSpec = <T>(): T => JSON.parse(process.env.BENCH_TARGET_SPEC ?? '') as T;

export const LOG_LEVEL = 'warn';

/** Starts the target (resolving with its GraphQL URL) and reports it ready. */
export function runTarget(start: () => Promise<string>): void {
  // tsx turns source maps on, which makes every stack trace cost a source-map lookup (Apollo's
  // default HTTP agent reads one per subgraph request). Production runs compiled JavaScript
  // without them; so do the targets.
  process.setSourceMapsEnabled(false);
  answerMeasurements();
  start().then(
    (url) => send({ type: 'ready', url }),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
