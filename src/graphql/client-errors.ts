import { HeaderMap } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { MissingScopeError, type AuthenticationFailure } from '../auth/errors';
import { databaseProblemOf, isStatementTimeout, isTransactionConflict } from '../database/database-problem';
import { ExpensiveReadsBusyError, EXPENSIVE_READS_RETRY_AFTER_SECONDS } from '../database/pool/pool-sharing';
import { isRefusedInput } from '../database/refused-input';
import { DomainError, InvalidInputError } from '../domain/domain-error';
import { ErrorCode } from '../error-codes';

/**
 * The one place that decides what a client sees of an error thrown while resolving: domain errors
 * keep their code, message and details; the database's failures become DATABASE_UNAVAILABLE
 * (HTTP 503), DATABASE_MISCONFIGURED (HTTP 503), QUERY_TIMED_OUT, EXPENSIVE_READS_BUSY (HTTP 503)
 * or BAD_USER_INPUT; a missing
 * scope becomes FORBIDDEN; anything else is unexpected
 * and masked (see format-error.ts). And of a request refused before anything ran: for its
 * credentials, UNAUTHENTICATED (HTTP 401, see refusedCredentialsOf); for a document that is not
 * a trusted one, PERSISTED_QUERY_NOT_IN_LIST (HTTP 403).
 */
export interface ClientError {
  code: ErrorCode;
  message: string;
  details?: Readonly<Record<string, unknown>>;
}

const {
  DATABASE_UNAVAILABLE,
  DATABASE_MISCONFIGURED,
  QUERY_TIMED_OUT,
  TRANSACTION_CONFLICT,
  EXPENSIVE_READS_BUSY,
  UNAUTHENTICATED,
  FORBIDDEN,
  AUTHENTICATION_UNAVAILABLE,
  PERSISTED_QUERY_NOT_IN_LIST,
  RATE_LIMITED,
} = ErrorCode;

/** Seconds a client should wait before retrying while the database is unavailable. */
export const DATABASE_RETRY_AFTER_SECONDS = 1;

/** Seconds a client should wait before retrying while tokens cannot be verified (the key server is down). */
export const AUTHENTICATION_RETRY_AFTER_SECONDS = 5;

export interface HttpStatus {
  status: number;
  headers: Record<string, string>;
}

/** The client's view of an error a resolver threw, or undefined when it is unexpected. */
export function clientErrorOf(error: unknown): ClientError | undefined {
  const original = thrownValue(unwrapResolverError(error));
  if (original instanceof DomainError) return { code: original.code, message: original.message, details: original.details };
  if (original instanceof MissingScopeError) {
    return {
      code: FORBIDDEN,
      message: `This needs the scope ${original.scope}, which the token does not grant`,
      details: { scope: original.scope },
    };
  }
  // The messages name no host, port, SQL or driver text.
  if (isStatementTimeout(original)) {
    return {
      code: QUERY_TIMED_OUT,
      message: 'The query took longer than the database allows: ask for less (a narrower filter, fewer counts)',
    };
  }
  if (isTransactionConflict(original)) {
    return { code: TRANSACTION_CONFLICT, message: 'The database rolled this back for a conflict with concurrent work; retry later' };
  }
  if (original instanceof ExpensiveReadsBusyError) {
    return { code: EXPENSIVE_READS_BUSY, message: 'Too many counts are running right now; retry later, or leave out totalCount' };
  }
  const problem = databaseProblemOf(original);
  if (problem?.kind === 'misconfigured') {
    return {
      code: DATABASE_MISCONFIGURED,
      message: 'The service cannot use its database: it is misconfigured, and retrying will not help until it is fixed',
    };
  }
  if (problem) return { code: DATABASE_UNAVAILABLE, message: 'The database is unavailable right now; retry later' };
  // Input validation should catch these first; this keeps the rest a client error, not a 500.
  if (isRefusedInput(original)) return clientErrorOf(new InvalidInputError('The input breaks a rule of the stored data'));
  return undefined;
}

/**
 * What a client sees of a request refused for its credentials, before anything of it ran
 * (RFC 6750 §3):
 * - no bearer token at all (no Authorization header, or one of another scheme): 401 with the bare
 *   challenge `WWW-Authenticate: Bearer`, without an error code, as RFC 6750 §3.1 asks when the
 *   client sent no credentials of this scheme;
 * - several Authorization headers: 401 with `Bearer error="invalid_request"` (RFC 6750 §3.1: a
 *   request that uses more than one method of passing the token);
 * - any token that is not valid (malformed, wrong signature, issuer or audience, expired…): 401
 *   with `Bearer error="invalid_token"`. One message and one challenge for all of them: which
 *   check failed is for the log and the metrics, not for someone trying to forge a token;
 * - keys that cannot be fetched: the server's failure, not the token's (503, Retry-After).
 */
export function refusedCredentialsOf(failure: AuthenticationFailure): ClientError & { http: HttpStatus } {
  switch (failure.reason) {
    case 'keys_unavailable':
      return {
        code: AUTHENTICATION_UNAVAILABLE,
        message: 'Tokens cannot be verified right now; retry later',
        http: { status: 503, headers: { 'retry-after': String(AUTHENTICATION_RETRY_AFTER_SECONDS) } },
      };
    case 'missing_token':
    case 'unsupported_scheme':
      return {
        code: UNAUTHENTICATED,
        message: 'Authentication required: send a bearer token (Authorization: Bearer <token>)',
        http: { status: 401, headers: { 'www-authenticate': 'Bearer' } },
      };
    case 'repeated_header':
      return {
        code: UNAUTHENTICATED,
        message: 'Send one Authorization header, not several',
        http: { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_request"' } },
      };
    default:
      return {
        code: UNAUTHENTICATED,
        message: 'The bearer token is invalid',
        http: { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } },
      };
  }
}

/**
 * What a client sees of a document refused under TRUSTED_DOCUMENTS=enforce: 403, the code Apollo
 * Router gives it, and nothing of what the manifest holds.
 */
export function untrustedDocumentRefusal(): ClientError & { http: HttpStatus } {
  return {
    code: PERSISTED_QUERY_NOT_IN_LIST,
    message:
      "This server runs only the operations its clients shipped, and this document is not one of them: send one of the manifest's, by its id",
    http: { status: 403, headers: {} },
  };
}

/**
 * What a client sees of an operation refused for its budget, before it ran: 429, and when to
 * retry (RFC 9110 §10.2.3), when enough of the budget is back.
 */
export function overBudgetRefusal(retryAfterSeconds: number): ClientError & { http: HttpStatus } {
  return {
    code: RATE_LIMITED,
    message: `This operation costs more than is left of this client's cost budget: retry in ${retryAfterSeconds} s (extensions.cost says where the budget stands)`,
    http: { status: 429, headers: { 'retry-after': String(retryAfterSeconds) } },
  };
}

/** The extensions of an error Apollo answers with a status and headers of its own (it takes them out of the body). */
export function extensionsWithStatus({ code, http }: { code: string; http: HttpStatus }) {
  return { code, http: { status: http.status, headers: new HeaderMap(Object.entries(http.headers)) } };
}

/**
 * The HTTP status and headers of a response with these errors, when they are not the 200 a
 * GraphQL response with field errors has:
 * - counts that found their share of the pool busy: 503 with a Retry-After long enough that an
 *   expensive read does not come straight back;
 * - an unavailable database, or writes it rolled back for a conflict: 503 with Retry-After; a
 *   misconfigured one: 503 without it;
 * - a token without a scope the operation needs, when nothing else in the operation succeeded:
 *   403 with RFC 6750's `insufficient_scope` challenge naming the scopes. When other fields did
 *   succeed, the response is the usual 200: it carries their data.
 * A query that timed out stays 200 with its code: retrying it as it is would time out again.
 */
export function httpStatusFor(errors: readonly GraphQLFormattedError[], anythingSucceeded: boolean): HttpStatus | undefined {
  const codes = errors.map((error) => error.extensions?.code);
  if (codes.includes(EXPENSIVE_READS_BUSY)) return { status: 503, headers: { 'retry-after': String(EXPENSIVE_READS_RETRY_AFTER_SECONDS) } };
  if (codes.includes(DATABASE_UNAVAILABLE) || codes.includes(TRANSACTION_CONFLICT)) {
    return { status: 503, headers: { 'retry-after': String(DATABASE_RETRY_AFTER_SECONDS) } };
  }
  // Unavailable too, but waiting will not heal it: no Retry-After to invite a retry.
  if (codes.includes(DATABASE_MISCONFIGURED)) return { status: 503, headers: {} };
  if (!anythingSucceeded && codes.every((code) => code === FORBIDDEN)) {
    const scopes = new Set(errors.map((error) => error.extensions?.scope).filter((scope) => typeof scope === 'string'));
    return { status: 403, headers: { 'www-authenticate': `Bearer error="insufficient_scope", scope="${[...scopes].join(' ')}"` } };
  }
  return undefined;
}

/**
 * What a resolver threw. graphql-js wraps a thrown value that is not an `Error` of its own realm
 * (a socket error raised in another realm, as under jest) in a NonErrorThrown; unwrap that too.
 */
function thrownValue(error: unknown): unknown {
  return error instanceof Error && error.name === 'NonErrorThrown' && 'thrownValue' in error ? error.thrownValue : error;
}
