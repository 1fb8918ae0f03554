import { createSubgraphServer } from '../../common/http/subgraphServer';
import type { SubgraphFactory } from '../runtime';
import type { EmergencyConfig } from './config';
import { createEmergencyContext } from './context';
import { ingestRoutes } from './http';
import { resolvers } from './resolvers';
import { typeDefs } from './schema';

/**
 * Builds the emergency subgraph over an open database. It neither listens nor reads the
 * environment, so tests start it exactly as production does, on a port of their choice.
 * Besides `/graphql` it serves `POST /ingest/readings` for IoT gateways.
 */
export const createEmergencyServer: SubgraphFactory<EmergencyConfig> = async (config, { db, logger }) =>
  createSubgraphServer({
    name: 'emergency',
    typeDefs,
    resolvers,
    logger,
    callerSecret: config.callerSecret,
    audit: { db, schema: 'emergency' },
    context: (_req, caller) => createEmergencyContext(db, config.thresholds, caller),
    routes: ingestRoutes(db, config.thresholds, logger, config.ingestKeys),
  });
