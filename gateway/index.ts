import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import { parseArgs } from 'node:util';
import { createRedisStream } from '../common/events';
import { createLogger } from '../common/logger';
import type { Logger } from '../common/logger';
import { onShutdown } from '../common/shutdown';
import { loadTracingConfig, startTracing } from '../common/tracing';
import { loadGatewayConfig } from './config';
import type { GatewayConfig } from './config';
import { loadExamples } from './playground/examples';
import { createGatewayServer } from './server';

/** Names the worker that answered a request, in cluster mode only: operators tell workers apart by it. */
const WORKER_HEADER = 'x-gateway-worker';

/** What a worker tells the primary once it serves `/graphql`. */
interface ReadyMessage {
  type: 'gateway-ready';
  url: string;
}
const isReady = (m: unknown): m is ReadyMessage => (m as ReadyMessage | null)?.type === 'gateway-ready';

// A worker that keeps dying is restarted ever more slowly (0.5 s, 1 s, 2 s … 30 s), not in a hot
// loop; one that served this long before it died counts as a fresh failure.
const RESTART_FIRST_MS = 500;
const RESTART_MAX_MS = 30_000;
const STABLE_MS = 30_000;
// Workers cut their own connections after SHUTDOWN_GRACE_MS; past this margin one is stuck.
const KILL_MARGIN_MS = 10_000;

/**
 * The primary of cluster mode: forks the workers, which share the port (the primary hands out
 * connections in turn), restarts one that dies, and on SIGTERM/SIGINT stops them all and exits
 * once they have drained: 0 if every worker stopped cleanly. It serves nothing itself.
 */
function supervise(config: GatewayConfig, logger: Logger): void {
  const live = new Map<Worker, number>();
  const ready = new Set<Worker>();
  const restarts = new Set<NodeJS.Timeout>();
  let crashes = 0;
  let announced = false;
  let stopping = false;
  let failed = false;

  const fork = () => {
    const worker = cluster.fork();
    live.set(worker, Date.now());
    worker.once('online', () =>
      logger.info({ worker: worker.id, pid: worker.process.pid }, 'gateway worker started'),
    );
    worker.on('message', (message: unknown) => {
      if (!isReady(message)) return;
      ready.add(worker);
      if (announced || ready.size < config.workers) return;
      announced = true;
      const workers = [...ready].map((w) => ({ worker: w.id, pid: w.process.pid }));
      logger.info({ url: message.url, workers }, 'gateway listening');
    });
  };

  cluster.on('exit', (worker, code, signal) => {
    const startedAt = live.get(worker) ?? Date.now();
    live.delete(worker);
    ready.delete(worker);
    if (stopping) {
      if (code !== 0) failed = true;
      if (live.size === 0) process.exit(failed ? 1 : 0);
      return;
    }
    crashes = Date.now() - startedAt >= STABLE_MS ? 1 : crashes + 1;
    const delay = Math.min(RESTART_MAX_MS, RESTART_FIRST_MS * 2 ** (crashes - 1));
    logger.error(
      { worker: worker.id, pid: worker.process.pid, code, signal, restartInMs: delay },
      'gateway worker exited; starting another',
    );
    const timer = setTimeout(() => {
      restarts.delete(timer);
      fork();
    }, delay);
    restarts.add(timer);
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal, workers: live.size }, 'shutting down');
    for (const timer of restarts) clearTimeout(timer);
    if (live.size === 0) process.exit(0);
    for (const worker of live.keys()) worker.process.kill('SIGTERM');
    setTimeout(() => {
      logger.error({ workers: live.size }, 'gateway workers did not stop in time; killing them');
      for (const worker of live.keys()) worker.process.kill('SIGKILL');
      process.exit(1);
    }, config.shutdownGraceMs + KILL_MARGIN_MS).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  logger.info({ workers: config.workers }, 'starting gateway workers');
  for (let i = 0; i < config.workers; i += 1) fork();
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { supergraph: { type: 'string' }, port: { type: 'string' } } });
  const config = loadGatewayConfig(process.env, values);
  const root = createLogger('gateway', config.logLevel);
  if (config.workers > 1 && cluster.isPrimary) return supervise(config, root);
  const worker = cluster.worker;
  const logger = worker ? root.child({ worker: worker.id }) : root;
  // Before the server is created, so the HTTP instrumentation sees every request when tracing is on.
  const tracing = await startTracing(loadTracingConfig(process.env, 'gateway'), logger);
  // A gateway process on its own reads events from Redis; without it, it serves no subscriptions.
  const events = config.redisUrl ? createRedisStream({ url: config.redisUrl }) : undefined;
  const gateway = createGatewayServer(config, {
    logger,
    ...(events ? { events } : {}),
    ...(config.playground && config.playgroundExamplesPath
      ? { playgroundExamples: loadExamples(config.playgroundExamplesPath) }
      : {}),
  });
  if (worker)
    gateway.httpServer.prependListener('request', (_req, res) =>
      res.setHeader(WORKER_HEADER, String(worker.id)),
    );
  const url = await gateway.listen(config.port, config.host);
  await gateway.start();
  const close = async () => {
    await gateway.stop();
    await events?.close();
    await tracing.shutdown();
  };
  if (worker) {
    // The primary announces the gateway once, when every worker is ready.
    process.send?.({ type: 'gateway-ready', url } satisfies ReadyMessage);
    // Ctrl-C reaches the whole process group and the primary then sends SIGTERM as well: a second
    // signal must not cut the drain short (the primary kills a worker past its grace period).
    onShutdown(logger, close, { repeatedSignal: 'ignore' });
  } else {
    logger.info({ url }, 'gateway listening');
    onShutdown(logger, close);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
