import { GraphQLScalarType } from 'graphql';
import { DateTimeResolver, LocalDateResolver } from 'graphql-scalars';

/** `Date` in our SDLs is a calendar day, YYYY-MM-DD, passed through as a string. */
export const DateScalar = new GraphQLScalarType({ ...LocalDateResolver.toConfig(), name: 'Date' });

/** `DateTime` is an ISO-8601 instant; resolvers may return `Date` objects or ISO strings. */
export const DateTimeScalar = new GraphQLScalarType({ ...DateTimeResolver.toConfig(), name: 'DateTime' });
