import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { AppError, ErrorCode, PUBLIC_ERROR_CODES } from './errors';
import type { Logger } from './logger';

/**
 * Apollo Server `formatError`: expected errors (our codes and Apollo's own request errors) pass
 * through; anything else is logged in full and reaches the client only as a generic
 * INTERNAL_SERVER_ERROR, so SQL, stack traces and subgraph bodies never leak.
 */
export function createFormatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const code = formatted.extensions?.code;
    if (original instanceof AppError || (typeof code === 'string' && PUBLIC_ERROR_CODES.has(code))) {
      const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    logger.error({ err: original, path: formatted.path }, 'unexpected error');
    return {
      message: 'Internal server error',
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}
