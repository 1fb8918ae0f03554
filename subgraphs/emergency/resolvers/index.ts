import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { auditQueries } from '../../../common/audit';
import { DateTimeScalar } from '../../../common/scalars';
import type { EmergencyContext } from '../context';
import { Alarm } from './Alarm';
import { Device } from './Device';
import { Enterprise } from './Enterprise';
import { FireStation } from './FireStation';
import { Grid } from './Grid';
import { Mutation } from './Mutation';
import { Query } from './Query';
import { ReadingResult } from './ReadingResult';

export const resolvers = {
  DateTime: DateTimeScalar,
  Query: { ...Query, ...auditQueries('emergency') },
  Mutation,
  Alarm,
  Device,
  FireStation,
  Enterprise,
  Grid,
  ReadingResult,
} satisfies GraphQLResolverMap<EmergencyContext>;
