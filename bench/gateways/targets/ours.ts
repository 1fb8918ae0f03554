// `ours` and `ours-cached`: our gateway, configured from the environment map it is given, run from
// `npm run build`'s output as the Docker image runs it (`node dist/gateway/index.js`): the plain
// gateways are JavaScript from npm, and ours should not carry a TypeScript loader's transpiled
// sources and source maps either. The orchestrator builds before it starts any target.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as Config from '../../../gateway/config';
import type * as Logger from '../../../common/logger';
import type * as Server from '../../../gateway/server';
import type { OursSpec } from '../protocol';
import { runTarget, targetSpec } from './measured';

const dist = join(__dirname, '..', '..', '..', 'dist');
const load = createRequire(join(dist, 'package.json'));
const { loadGatewayConfig } = load(join(dist, 'gateway', 'config.js')) as typeof Config;
const { createGatewayServer } = load(join(dist, 'gateway', 'server.js')) as typeof Server;
const { createLogger } = load(join(dist, 'common', 'logger.js')) as typeof Logger;

runTarget(async () => {
  const config = loadGatewayConfig(targetSpec<OursSpec>().env);
  const gateway = createGatewayServer(config, { logger: createLogger('gateway', config.logLevel) });
  const url = await gateway.listen(0);
  await gateway.start();
  return url;
});
