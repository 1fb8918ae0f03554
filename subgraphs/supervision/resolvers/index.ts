import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { DateScalar, DateTimeScalar } from '../../../common/scalars';
import type { SupervisionContext } from '../context';
import {
  EnforcementDecision,
  EnforcementMutations,
  EnforcementQueries,
  EnforcementTask,
} from './Enforcement';
import { Enterprise } from './Enterprise';
import { Hazard, Inspection, RiskPoint } from './Hazard';
import { Mutation } from './Mutation';
import { EnterpriseConnection, Query } from './Query';

export const resolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Query: { ...Query, ...EnforcementQueries },
  Mutation: { ...Mutation, ...EnforcementMutations },
  EnforcementTask,
  EnforcementDecision,
  EnterpriseConnection,
  Enterprise,
  Hazard,
  RiskPoint,
  Inspection,
} as unknown as GraphQLResolverMap<SupervisionContext>;
