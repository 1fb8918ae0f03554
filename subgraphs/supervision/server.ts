import { createSubgraphServer } from '../../common/http/subgraphServer';
import type { SubgraphFactory } from '../runtime';
import type { SupervisionConfig } from './config';
import { createSupervisionContext } from './context';
import { resolvers } from './resolvers';
import { typeDefs } from './schema';

/** The supervision subgraph's HTTP server; never listens by itself and never reads the environment. */
export const createSupervisionServer: SubgraphFactory<SupervisionConfig> = (config, { db, logger }) =>
  createSubgraphServer({
    name: 'supervision',
    typeDefs,
    resolvers,
    logger,
    callerSecret: config.callerSecret,
    audit: { db, schema: 'supervision' },
    context: (_req, caller) => createSupervisionContext(db, config, caller),
  });
