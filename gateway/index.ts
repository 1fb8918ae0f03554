import { parseArgs } from 'node:util';
import { createLogger } from '../common/logger';
import { onShutdown } from '../common/shutdown';
import { loadGatewayConfig } from './config';
import { createGatewayServer } from './server';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { supergraph: { type: 'string' }, port: { type: 'string' } } });
  const config = loadGatewayConfig(process.env, values);
  const logger = createLogger('gateway', config.logLevel);
  const gateway = createGatewayServer(config, { logger });
  const url = await gateway.listen(config.port, config.host);
  await gateway.start();
  logger.info({ url }, 'gateway listening');
  onShutdown(logger, () => gateway.stop());
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
