import { parseArgs } from 'node:util';
import { createRedisStream } from '../common/events';
import { createLogger } from '../common/logger';
import { onShutdown } from '../common/shutdown';
import { loadTracingConfig, startTracing } from '../common/tracing';
import { loadGatewayConfig } from './config';
import { loadExamples } from './playground/examples';
import { createGatewayServer } from './server';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { supergraph: { type: 'string' }, port: { type: 'string' } } });
  const config = loadGatewayConfig(process.env, values);
  const logger = createLogger('gateway', config.logLevel);
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
  const url = await gateway.listen(config.port, config.host);
  await gateway.start();
  logger.info({ url }, 'gateway listening');
  onShutdown(logger, async () => {
    await gateway.stop();
    await events?.close();
    await tracing.shutdown();
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
