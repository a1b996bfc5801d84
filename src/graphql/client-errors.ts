import { unwrapResolverError } from '@apollo/server/errors';
import { isDatabaseUnavailable } from '../database/database-problem';
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

/** Seconds a client should wait before retrying while the database is unavailable. */
export const DATABASE_RETRY_AFTER_SECONDS = 1;

/** The client's view of an error a resolver threw, or undefined when it is unexpected. */
export function clientErrorOf(error: unknown): ClientError | undefined {
  const original = thrownValue(unwrapResolverError(error));
  if (original instanceof DomainError) return { code: original.code, message: original.message, details: original.details };
  // The message names no host, port, SQL or driver text.
  if (isDatabaseUnavailable(original)) return { code: DATABASE_UNAVAILABLE, message: 'The database is unavailable right now; retry later' };
  // Input validation should catch these first; this keeps the rest a client error, not a 500.
  if (isRejectedInput(original)) return clientErrorOf(new InvalidInputError('The input breaks a rule of the stored data'));
  return undefined;
}

/**
 * The HTTP status and headers of a response with these error codes, when they are not the 200 a
 * GraphQL response with field errors has: an unavailable database is 503 with Retry-After.
 */
export function httpStatusFor(codes: readonly unknown[]): { status: number; headers: Record<string, string> } | undefined {
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
