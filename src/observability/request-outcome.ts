import { ApolloServerErrorCode } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { DATABASE_MISCONFIGURED, DATABASE_UNAVAILABLE, EXPENSIVE_READS_BUSY, FORBIDDEN } from '../graphql/client-errors';
import type { RejectedRequestError } from '../graphql/rejected-request';
import type { RequestOutcome } from './metrics';

/** What became of a GraphQL request, from the errors of its response: in the log line, the metrics and the trace. */
export function outcomeOf(errors: readonly GraphQLFormattedError[] | undefined): RequestOutcome {
  if (!errors?.length) return 'ok';
  const codes = errors.map((error) => error.extensions?.code);
  if (codes.includes(ApolloServerErrorCode.INTERNAL_SERVER_ERROR)) return 'internal';
  // In the order httpStatusFor ranks them: the outcome names the response's status.
  if (codes.includes(EXPENSIVE_READS_BUSY)) return 'busy';
  if (codes.includes(DATABASE_UNAVAILABLE)) return 'database_unavailable';
  if (codes.includes(DATABASE_MISCONFIGURED)) return 'database_misconfigured';
  if (codes.includes(FORBIDDEN)) return 'forbidden';
  return 'client_error';
}

/** The outcome of a request refused for its credentials before its document was read. */
export function refusalOutcomeOf(refusal: RejectedRequestError): RequestOutcome {
  return refusal.status === 503 ? 'authentication_unavailable' : 'unauthenticated';
}

/** Outcomes that are the server's failure (500, 503), not the client's. */
const SERVER_FAILURES: ReadonlySet<RequestOutcome> = new Set([
  'internal',
  'busy',
  'database_unavailable',
  'database_misconfigured',
  'authentication_unavailable',
]);

export function isServerFailure(outcome: RequestOutcome): boolean {
  return SERVER_FAILURES.has(outcome);
}
