// `ours` and `ours-cached`: our gateway, configured from the environment map it is given.
import { createLogger } from '../../../common/logger';
import { loadGatewayConfig } from '../../../gateway/config';
import { createGatewayServer } from '../../../gateway/server';
import type { OursSpec } from '../protocol';
import { runTarget, targetSpec } from './measured';

runTarget(async () => {
  const config = loadGatewayConfig(targetSpec<OursSpec>().env);
  const gateway = createGatewayServer(config, { logger: createLogger('gateway', config.logLevel) });
  const url = await gateway.listen(0);
  await gateway.start();
  return url;
});
