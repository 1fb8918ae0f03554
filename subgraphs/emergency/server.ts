import { createSubgraphServer } from '../../common/http/subgraphServer';
import type { SubgraphFactory } from '../runtime';
import { createEmergencyContext } from './context';
import { resolvers } from './resolvers';
import { typeDefs } from './schema';

/**
 * Builds the emergency subgraph over an open database. It neither listens nor reads the
 * environment, so tests start it exactly as production does, on a port of their choice.
 */
export const createEmergencyServer: SubgraphFactory = async (_config, { db, logger }) =>
  createSubgraphServer({
    name: 'emergency',
    typeDefs,
    resolvers,
    logger,
    context: () => createEmergencyContext(db),
  });
