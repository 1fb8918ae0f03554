import { createSubgraphServer } from '../../common/http/subgraphServer';
import type { SubgraphFactory } from '../runtime';
import { createGridContext } from './context';
import { resolvers } from './resolvers';
import { typeDefs } from './schema';

/** The grid subgraph's server; it never listens by itself and reads no environment. */
export const createGridServer: SubgraphFactory = async (config, { db, logger }) =>
  createSubgraphServer({
    name: 'grid',
    typeDefs,
    resolvers,
    logger,
    callerSecret: config.callerSecret,
    audit: { db, schema: 'grid' },
    context: (_req, caller) => createGridContext(db, caller),
  });
