// Child processes of the gateway benchmark: the measured targets and the load generator, pinned
// to separate cores when `taskset` is available.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type {
  FromLoad,
  FromTarget,
  LoadJob,
  LoadResult,
  TargetName,
  TargetSpec,
  ToLoad,
  ToTarget,
} from './protocol';

/** Core 0 for the measured target, core 1 for the load generator; none when that is impossible. */
export function corePlan(): { target: number; load: number } | undefined {
  if (availableParallelism() < 2) return undefined;
  const probe = spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
  return probe.status === 0 ? { target: 0, load: 1 } : undefined;
}

function spawnNode(script: string, env: Record<string, string>, nodeFlags: string[] = []): ChildProcess {
  return spawn(process.execPath, [...nodeFlags, '--import', 'tsx', join(__dirname, script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/**
 * Pins every thread of a started child to one core (threads it starts later inherit the main
 * thread's mask). Pinned only once started, so that the children start on both cores at once.
 */
function pin(child: ChildProcess, core: number | undefined): void {
  if (core === undefined) return;
  const { status } = spawnSync('taskset', ['-a', '-cp', String(core), String(child.pid)], {
    stdio: 'ignore',
  });
  if (status !== 0) throw new Error(`taskset could not pin process ${child.pid} to core ${core}`);
}

/** The next message of one type from a child; fails if the child exits first. */
function nextMessage<M extends { type: string }, T extends M['type']>(
  child: ChildProcess,
  type: T,
  what: string,
): Promise<Extract<M, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: M) => {
      if (message.type !== type) return;
      cleanup();
      resolve(message as Extract<M, { type: T }>);
    };
    const onExit = (code: number | null, signal: string | null) => {
      cleanup();
      reject(new Error(`${what} exited (${signal ?? code}) before answering`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
  });
}

export interface Usage {
  cpuMs: number;
  peakRssMb: number;
}

export interface TargetProcess {
  name: TargetName;
  url: string;
  /** Starts counting CPU time and sampling RSS. */
  begin(): Promise<void>;
  /** `label` names the window's CPU profile, when profiling. */
  end(label: string): Promise<Usage>;
  stop(): Promise<void>;
}

/**
 * The Node flags the Docker image starts the gateway with (its `CMD`, between `node` and the
 * script), so that `ours` runs with the heap settings it has in production.
 */
export function imageGatewayFlags(dockerfile = join(__dirname, '..', '..', 'Dockerfile')): string[] {
  const cmd = [...readFileSync(dockerfile, 'utf8').matchAll(/^CMD (\[.*\])$/gm)].at(-1)?.[1];
  const argv = cmd ? (JSON.parse(cmd) as string[]) : [];
  const script = argv.indexOf('dist/gateway/index.js');
  if (argv[0] !== 'node' || script < 0)
    throw new Error(`${dockerfile}: CMD does not start dist/gateway/index.js`);
  return argv.slice(1, script);
}

export async function startTarget(
  name: TargetName,
  target: TargetSpec,
  core: number | undefined,
  profileDir: string | undefined,
): Promise<TargetProcess> {
  const child = spawnNode(
    join('targets', `${target.kind}.ts`),
    {
      BENCH_TARGET_SPEC: JSON.stringify(target.spec),
      ...(profileDir ? { BENCH_PROFILE_DIR: profileDir } : {}),
      // Apollo's gateway otherwise reports usage to Apollo; nothing may leave the machine.
      APOLLO_TELEMETRY_DISABLED: '1',
      NODE_ENV: 'production',
    },
    // The plain gateways run with Node's defaults, as their own docs start them.
    target.kind === 'ours' ? imageGatewayFlags() : [],
  );
  const what = `target ${name}`;
  const { url } = await nextMessage<FromTarget, 'ready'>(child, 'ready', what);
  pin(child, core);
  const send = (message: ToTarget) => child.send(message);
  return {
    name,
    url,
    async begin() {
      const begun = nextMessage<FromTarget, 'begun'>(child, 'begun', what);
      send({ type: 'begin' });
      await begun;
    },
    async end(label) {
      const usage = nextMessage<FromTarget, 'usage'>(child, 'usage', what);
      send({ type: 'end', label });
      const { cpuMs, peakRssMb } = await usage;
      return { cpuMs, peakRssMb };
    },
    stop: () => stopChild(child),
  };
}

export interface LoadProcess {
  run(job: LoadJob): Promise<LoadResult>;
  stop(): Promise<void>;
}

export async function startLoad(core: number | undefined): Promise<LoadProcess> {
  const child = spawnNode('load.ts', {});
  await nextMessage<FromLoad, 'ready'>(child, 'ready', 'the load generator');
  pin(child, core);
  let ids = 0;
  return {
    async run(job) {
      const id = ++ids;
      const answer = new Promise<Exclude<FromLoad, { type: 'ready' }>>((resolve, reject) => {
        const onMessage = (message: FromLoad) => {
          if (message.type === 'ready' || message.id !== id) return;
          child.off('message', onMessage);
          child.off('exit', onExit);
          resolve(message);
        };
        const onExit = () => reject(new Error('the load generator exited'));
        child.on('message', onMessage);
        child.once('exit', onExit);
      });
      child.send({ type: 'run', id, job } satisfies ToLoad);
      const message = await answer;
      if (message.type === 'failed') throw new Error(`load generator: ${message.error}`);
      return message.result;
    },
    stop: () => stopChild(child),
  };
}
