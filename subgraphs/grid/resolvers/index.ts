import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { auditQueries } from '../../../common/audit';
import { DateTimeScalar } from '../../../common/scalars';
import type { GridContext } from '../context';
import { AdminArea } from './AdminArea';
import { Clue } from './Clue';
import { Enterprise } from './Enterprise';
import { Grid } from './Grid';
import { GridMember } from './GridMember';
import { Mutation } from './Mutation';
import { Patrol } from './Patrol';
import { Query } from './Query';

// Enum values are stored exactly as the SDL spells them, so no enum resolvers are needed.
export const resolvers: GraphQLResolverMap<GridContext> = {
  DateTime: DateTimeScalar,
  Query: { ...Query, ...auditQueries('grid') },
  Mutation,
  Clue,
  AdminArea,
  Grid,
  GridMember,
  Patrol,
  Enterprise,
};
