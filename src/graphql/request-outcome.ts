import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode } from '../error-codes';
import type { RequestOutcome } from '../observability/metrics';
import type { RefusedRequestError } from './refused-request';

/** What became of a GraphQL request, from the errors of its response: in the log line, the metrics and the trace. */
export function outcomeOf(errors: readonly GraphQLFormattedError[] | undefined): RequestOutcome {
  if (!errors?.length) return 'ok';
  const codes = errors.map((error) => error.extensions?.code);
  if (codes.includes(ErrorCode.INTERNAL_SERVER_ERROR)) return 'internal';
  // In the order httpStatusFor ranks them: the outcome names the response's status.
  if (codes.includes(ErrorCode.EXPENSIVE_READS_BUSY)) return 'busy';
  if (codes.includes(ErrorCode.DATABASE_UNAVAILABLE)) return 'database_unavailable';
  if (codes.includes(ErrorCode.TRANSACTION_CONFLICT)) return 'transaction_conflict';
  if (codes.includes(ErrorCode.DATABASE_MISCONFIGURED)) return 'database_misconfigured';
  if (codes.includes(ErrorCode.FORBIDDEN)) return 'forbidden';
  if (codes.includes(ErrorCode.RATE_LIMITED)) return 'rate_limited';
  return 'client_error';
}

/** The outcome of a request refused before its document was read: for its credentials, or its document. */
export function refusalOutcomeOf({ refusal, status }: RefusedRequestError): RequestOutcome {
  if (refusal.reason === 'document_not_in_list') return 'document_not_in_list';
  return status === 503 ? 'authentication_unavailable' : 'unauthenticated';
}

/** Outcomes that are the server's failure (500, 503), not the client's. */
const SERVER_FAILURES: ReadonlySet<RequestOutcome> = new Set([
  'internal',
  'busy',
  'database_unavailable',
  'transaction_conflict',
  'database_misconfigured',
  'authentication_unavailable',
]);

export function isServerFailure(outcome: RequestOutcome): boolean {
  return SERVER_FAILURES.has(outcome);
}
