import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { auditQueries } from '../../../common/audit';
import { DateScalar, DateTimeScalar } from '../../../common/scalars';
import type { SupervisionContext } from '../context';
import {
  EnforcementDecision,
  EnforcementMutations,
  EnforcementQueries,
  EnforcementTask,
} from './Enforcement';
import { GraphQLScalarType } from 'graphql';
import { JSONObjectResolver } from 'graphql-scalars';
import { AgencyMutations, AgencyQueries, ServiceAgency } from './Agency';
import { Enterprise } from './Enterprise';
import { Hazard, Inspection, RiskPoint } from './Hazard';
import { Mutation } from './Mutation';
import { EnterpriseConnection, EnterpriseEdge, Query } from './Query';
import { StatisticsQueries } from './Statistics';

/** `JSON` carries a JSON object (the risk map's GeoJSON). */
const JSONScalar = new GraphQLScalarType({ ...JSONObjectResolver.toConfig(), name: 'JSON' });

export const resolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  JSON: JSONScalar,
  Query: {
    ...Query,
    ...EnforcementQueries,
    ...StatisticsQueries,
    ...AgencyQueries,
    ...auditQueries('supervision'),
  },
  Mutation: { ...Mutation, ...EnforcementMutations, ...AgencyMutations },
  ServiceAgency,
  EnforcementTask,
  EnforcementDecision,
  EnterpriseConnection,
  EnterpriseEdge,
  Enterprise,
  Hazard,
  RiskPoint,
  Inspection,
} as unknown as GraphQLResolverMap<SupervisionContext>;
