import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { clientErrorOf } from './client-errors';
import { ErrorCode } from '../error-codes';
import { isTokenLimitError } from './query-limits';

const INTERNAL_MESSAGE = 'Internal server error';
/** V8's RangeError message when the stack runs out. */
const STACK_OVERFLOW = 'Maximum call stack size exceeded';

/**
 * Apollo's `formatError`: the last stop of every error before it reaches a client.
 * - Errors a client can act on keep their message and code. A validation rule's own code
 *   (e.g. QUERY_TOO_DEEP) survives Apollo's blanket GRAPHQL_VALIDATION_FAILED.
 * - Errors thrown while resolving get the code client-errors.ts gives them.
 * - Anything unexpected (a bug, a driver error whose message holds SQL or a connection string)
 *   becomes a bare INTERNAL_SERVER_ERROR; the request plugin logs the detail with the request id.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (code === ErrorCode.GRAPHQL_VALIDATION_FAILED) {
    const ruleCode = error instanceof GraphQLError ? error.originalError : undefined;
    const own = ruleCode instanceof GraphQLError ? ruleCode.extensions.code : undefined;
    return own ? { ...formatted, extensions: { ...formatted.extensions, code: own } } : formatted;
  }
  if (code === ErrorCode.GRAPHQL_PARSE_FAILED && isTokenLimitError(formatted.message)) {
    return { ...formatted, extensions: { ...formatted.extensions, code: ErrorCode.QUERY_TOO_LARGE } };
  }
  // graphql-js parses recursively: a document nested thousands of levels deep (within the token
  // limit) runs out of stack before the depth rule could count its levels.
  if (code === ErrorCode.GRAPHQL_PARSE_FAILED && formatted.message.includes(STACK_OVERFLOW)) {
    return { message: 'The document is nested too deeply to be read', extensions: { code: ErrorCode.QUERY_TOO_DEEP } };
  }
  if (code !== ErrorCode.INTERNAL_SERVER_ERROR) return formatted;
  const client = clientErrorOf(error);
  if (client) return { ...formatted, message: client.message, extensions: { code: client.code, ...client.details } };
  // Apollo's own request errors without a code (e.g. about a persisted query) carry a 4xx status.
  const status = error instanceof GraphQLError ? (error.extensions.http as { status?: number } | undefined)?.status : undefined;
  if (status !== undefined && status >= 400 && status < 500) {
    return { ...formatted, extensions: { ...formatted.extensions, code: ErrorCode.BAD_REQUEST } };
  }
  return {
    message: INTERNAL_MESSAGE,
    ...(formatted.path && { path: formatted.path }),
    ...(formatted.locations && { locations: formatted.locations }),
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}
