import { unwrapResolverError } from '@apollo/server/errors';
import { isDatabaseUnavailable, isStatementTimeout } from '../database/database-problem';
import { ExpensiveReadsBusyError, EXPENSIVE_READS_RETRY_AFTER_SECONDS } from '../database/pool/pool-sharing';
import { isRejectedInput } from '../database/rejected-input';
import { DomainError, InvalidInputError } from '../domain/domain-error';

/**
 * The one place that decides what a client sees of an error thrown while resolving: domain errors
 * keep their code, message and details; the database's failures become DATABASE_UNAVAILABLE
 * (HTTP 503) or BAD_USER_INPUT; anything else is unexpected and masked (see format-error.ts).
 */
export interface ClientError {
  code: string;
  message: string;
  details?: Readonly<Record<string, unknown>>;
}

export const DATABASE_UNAVAILABLE = 'DATABASE_UNAVAILABLE';
/** PostgreSQL cancelled the statement at statement_timeout: the query asked too much. */
export const QUERY_TIMED_OUT = 'QUERY_TIMED_OUT';
/** Counts had their whole share of the pool for longer than they may wait. */
export const EXPENSIVE_READS_BUSY = 'EXPENSIVE_READS_BUSY';

/** Seconds a client should wait before retrying while the database is unavailable. */
export const DATABASE_RETRY_AFTER_SECONDS = 1;

/** The client's view of an error a resolver threw, or undefined when it is unexpected. */
export function clientErrorOf(error: unknown): ClientError | undefined {
  const original = thrownValue(unwrapResolverError(error));
  if (original instanceof DomainError) return { code: original.code, message: original.message, details: original.details };
  // The messages name no host, port, SQL or driver text.
  if (isStatementTimeout(original)) {
    return {
      code: QUERY_TIMED_OUT,
      message: 'The query took longer than the database allows: ask for less (a narrower filter, fewer counts)',
    };
  }
  if (original instanceof ExpensiveReadsBusyError) {
    return { code: EXPENSIVE_READS_BUSY, message: 'Too many counts are running right now; retry later, or leave out totalCount' };
  }
  if (isDatabaseUnavailable(original)) return { code: DATABASE_UNAVAILABLE, message: 'The database is unavailable right now; retry later' };
  // Input validation should catch these first; this keeps the rest a client error, not a 500.
  if (isRejectedInput(original)) return clientErrorOf(new InvalidInputError('The input breaks a rule of the stored data'));
  return undefined;
}

/**
 * The HTTP status and headers of a response with these error codes, when they are not the 200 a
 * GraphQL response with field errors has: an unavailable database is 503 with Retry-After, and so
 * are counts that found their share of the pool busy, with a longer wait (an expensive read
 * should not come straight back). A query that timed out stays 200 with its code: retrying it
 * as it is would time out again.
 */
export function httpStatusFor(codes: readonly unknown[]): { status: number; headers: Record<string, string> } | undefined {
  if (codes.includes(EXPENSIVE_READS_BUSY)) return { status: 503, headers: { 'retry-after': String(EXPENSIVE_READS_RETRY_AFTER_SECONDS) } };
  if (codes.includes(DATABASE_UNAVAILABLE)) return { status: 503, headers: { 'retry-after': String(DATABASE_RETRY_AFTER_SECONDS) } };
  return undefined;
}

/**
 * What a resolver threw. graphql-js wraps a thrown value that is not an `Error` of its own realm
 * (a socket error raised in another realm, as under jest) in a NonErrorThrown; unwrap that too.
 */
function thrownValue(error: unknown): unknown {
  return error instanceof Error && error.name === 'NonErrorThrown' && 'thrownValue' in error ? error.thrownValue : error;
}
