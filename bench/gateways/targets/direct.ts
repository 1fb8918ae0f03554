// `direct`: the supervision subgraph alone, the floor any gateway in front of it adds to.
import { openEngine } from '../../../common/db';
import { createLogger } from '../../../common/logger';
import { loadSupervisionConfig } from '../../../subgraphs/supervision/config';
import { createSupervisionServer } from '../../../subgraphs/supervision/server';
import type { DirectSpec } from '../protocol';
import { LOG_LEVEL, runTarget, targetSpec } from './measured';

runTarget(async () => {
  const spec = targetSpec<DirectSpec>();
  const engine = await openEngine({ databaseUrl: spec.databaseUrl, applicationName: 'bench-direct' });
  const config = loadSupervisionConfig({
    DATABASE_URL: spec.databaseUrl,
    CALLER_SECRET: spec.callerSecret,
    LOG_LEVEL,
  });
  const server = await createSupervisionServer(config, {
    db: engine.handle(),
    logger: createLogger('supervision', LOG_LEVEL),
  });
  return server.listen(0, '127.0.0.1');
});
