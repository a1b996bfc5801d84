import { ApolloServerErrorCode, unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import type { Logger } from '../observability/logger';

const INTERNAL_MESSAGE = 'Internal server error';

/**
 * Apollo's `formatError`: the last stop of every error before it reaches a client. Errors a
 * client can act on keep their message and code. Anything unexpected (a bug, a driver error
 * whose message holds SQL or a connection string) is logged in full and reaches the client as
 * a bare INTERNAL_SERVER_ERROR.
 */
export function createFormatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    if (formatted.extensions?.code !== ApolloServerErrorCode.INTERNAL_SERVER_ERROR) return formatted;
    logger.error({ err: unwrapResolverError(error), path: formatted.path }, 'unexpected error in a GraphQL request');
    return {
      message: INTERNAL_MESSAGE,
      ...(formatted.path && { path: formatted.path }),
      ...(formatted.locations && { locations: formatted.locations }),
      extensions: { code: ApolloServerErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}
