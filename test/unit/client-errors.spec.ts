import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AuthenticationFailure, MissingScopeError, type AuthenticationFailureReason } from '../../src/auth/errors';
import { ExpensiveReadsBusyError } from '../../src/database/pool/pool-sharing';
import { InvalidInputError, NotFoundError } from '../../src/domain/domain-error';
import { clientErrorOf, httpStatusFor, refusedCredentialsOf } from '../../src/graphql/client-errors';
import { InvalidStatusTransitionError } from '../../src/interview-sessions/errors';

/** What clients see of each error, as the API docs state it (README.md: the error codes). */

const driverFailure = (code: string, message = 'some failure') => Object.assign(new Error(message), { code });
/** How a resolver's error reaches formatError: wrapped by graphql-js with the field's path. */
const fromResolver = (error: Error) => new GraphQLError(error.message, { path: ['interviewSession'], originalError: error });
/** graphql-js's wrapper for a thrown value that is not an Error of its own realm (jest runs specs in another one). */
const nonErrorThrown = (thrownValue: unknown) =>
  Object.assign(new Error('Unexpected error value'), { name: 'NonErrorThrown', thrownValue });

const UNAVAILABLE = { code: 'DATABASE_UNAVAILABLE', message: 'The database is unavailable right now; retry later' };
const MISCONFIGURED = {
  code: 'DATABASE_MISCONFIGURED',
  message: 'The service cannot use its database: it is misconfigured, and retrying will not help until it is fixed',
};

describe('the error a client sees of what a resolver threw', () => {
  it.each<[string, unknown, object | undefined]>([
    [
      'invalid input',
      new InvalidInputError('"first" must be between 1 and 100', 'first'),
      { code: 'BAD_USER_INPUT', message: '"first" must be between 1 and 100', details: { argument: 'first' } },
    ],
    [
      'a session that does not exist',
      new NotFoundError('InterviewSession', '0190a6c8-7b3e-7c1a-8f3e-2b4d5e6f7a8b'),
      { code: 'NOT_FOUND', message: 'InterviewSession 0190a6c8-7b3e-7c1a-8f3e-2b4d5e6f7a8b does not exist', details: {} },
    ],
    [
      'a status change the life cycle refuses',
      new InvalidStatusTransitionError('SCHEDULED', 'completed'),
      { code: 'INVALID_STATUS_TRANSITION', message: 'A session that is SCHEDULED cannot be completed', details: { status: 'SCHEDULED' } },
    ],
    [
      'a domain error as graphql-js hands it over',
      fromResolver(new InvalidInputError('"after" is not a cursor this API issued', 'after')),
      { code: 'BAD_USER_INPUT', message: '"after" is not a cursor this API issued', details: { argument: 'after' } },
    ],
    [
      'a missing scope',
      new MissingScopeError('sessions:read'),
      {
        code: 'FORBIDDEN',
        message: 'This needs the scope sessions:read, which the token does not grant',
        details: { scope: 'sessions:read' },
      },
    ],
    [
      'a statement timeout',
      driverFailure('57014', 'canceling statement due to statement timeout'),
      {
        code: 'QUERY_TIMED_OUT',
        message: 'The query took longer than the database allows: ask for less (a narrower filter, fewer counts)',
      },
    ],
    [
      'a deadlock: PostgreSQL rolled the writes back',
      driverFailure('40P01', 'deadlock detected'),
      { code: 'TRANSACTION_CONFLICT', message: 'The database rolled this back for a conflict with concurrent work; retry later' },
    ],
    [
      'a serialization failure, wrapped by MikroORM',
      new Error('DriverException', { cause: driverFailure('40001', 'could not serialize access due to concurrent update') }),
      { code: 'TRANSACTION_CONFLICT', message: 'The database rolled this back for a conflict with concurrent work; retry later' },
    ],
    [
      'a statement after another of its transaction failed (25P02)',
      driverFailure('25P02', 'current transaction is aborted, commands ignored until end of transaction block'),
      { code: 'TRANSACTION_CONFLICT', message: 'The database rolled this back for a conflict with concurrent work; retry later' },
    ],
    [
      'counts with their share of the pool busy',
      new ExpensiveReadsBusyError(),
      { code: 'EXPENSIVE_READS_BUSY', message: 'Too many counts are running right now; retry later, or leave out totalCount' },
    ],
    ['an unreachable database', driverFailure('ECONNREFUSED'), UNAVAILABLE],
    ['a misconfigured database (wrong password)', driverFailure('28P01', 'password authentication failed for user "app"'), MISCONFIGURED],
    ['no privilege on a table (42501)', driverFailure('42501', 'permission denied for table interview_session'), MISCONFIGURED],
    ['a socket error from another realm', nonErrorThrown(driverFailure('ECONNRESET')), UNAVAILABLE],
    [
      'a check constraint the input broke (23514)',
      driverFailure('23514'),
      { code: 'BAD_USER_INPUT', message: 'The input breaks a rule of the stored data', details: {} },
    ],
    [
      'a value too long for its column (22001)',
      driverFailure('22001'),
      { code: 'BAD_USER_INPUT', message: 'The input breaks a rule of the stored data', details: {} },
    ],
    ['a syntax error (42601): a bug, masked', driverFailure('42601'), undefined],
    ['a plain bug, masked', new TypeError("Cannot read properties of undefined (reading 'id')"), undefined],
  ])('%s', (_what, error, seen) => {
    expect(clientErrorOf(error)).toEqual(seen);
  });
});

describe('the answer to a request refused for its credentials', () => {
  const noToken = {
    code: 'UNAUTHENTICATED',
    message: 'Authentication required: send a bearer token (Authorization: Bearer <token>)',
    http: { status: 401, headers: { 'www-authenticate': 'Bearer' } },
  };
  const invalidToken = {
    code: 'UNAUTHENTICATED',
    message: 'The bearer token is invalid',
    http: { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } },
  };

  it.each<[AuthenticationFailureReason, object]>([
    ['missing_token', noToken],
    ['unsupported_scheme', noToken],
    [
      'repeated_header',
      {
        code: 'UNAUTHENTICATED',
        message: 'Send one Authorization header, not several',
        http: { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_request"' } },
      },
    ],
    ['malformed_header', invalidToken],
    ['token_too_large', invalidToken],
    ['malformed_token', invalidToken],
    ['algorithm_not_allowed', invalidToken],
    ['unknown_key', invalidToken],
    ['bad_signature', invalidToken],
    ['expired', invalidToken],
    ['not_yet_valid', invalidToken],
    ['wrong_issuer', invalidToken],
    ['wrong_audience', invalidToken],
    ['invalid_claims', invalidToken],
    [
      'keys_unavailable',
      {
        code: 'AUTHENTICATION_UNAVAILABLE',
        message: 'Tokens cannot be verified right now; retry later',
        http: { status: 503, headers: { 'retry-after': '5' } },
      },
    ],
  ])('%s', (reason, answer) => {
    expect(refusedCredentialsOf(new AuthenticationFailure(reason))).toEqual(answer);
  });
});

describe('the HTTP status of a response with errors', () => {
  const error = (code: string, scope?: string): GraphQLFormattedError => ({
    message: code,
    extensions: scope ? { code, scope } : { code },
  });

  it.each<[string, GraphQLFormattedError[], boolean, object | undefined]>([
    ['counts refused, their share busy', [error('EXPENSIVE_READS_BUSY')], false, { status: 503, headers: { 'retry-after': '5' } }],
    ['the database unavailable', [error('DATABASE_UNAVAILABLE')], false, { status: 503, headers: { 'retry-after': '1' } }],
    [
      'writes rolled back for a conflict: send them again',
      [error('TRANSACTION_CONFLICT')],
      false,
      { status: 503, headers: { 'retry-after': '1' } },
    ],
    [
      'the database misconfigured: no Retry-After, waiting will not help',
      [error('DATABASE_MISCONFIGURED')],
      false,
      { status: 503, headers: {} },
    ],
    [
      'both: the longer wait',
      [error('DATABASE_UNAVAILABLE'), error('EXPENSIVE_READS_BUSY')],
      true,
      { status: 503, headers: { 'retry-after': '5' } },
    ],
    [
      'the database unavailable, though other fields succeeded',
      [error('DATABASE_UNAVAILABLE')],
      true,
      { status: 503, headers: { 'retry-after': '1' } },
    ],
    [
      'a missing scope, nothing else answered',
      [error('FORBIDDEN', 'sessions:read')],
      false,
      { status: 403, headers: { 'www-authenticate': 'Bearer error="insufficient_scope", scope="sessions:read"' } },
    ],
    [
      'two missing scopes, nothing else answered',
      [error('FORBIDDEN', 'sessions:read'), error('FORBIDDEN', 'sessions:write'), error('FORBIDDEN', 'sessions:read')],
      false,
      { status: 403, headers: { 'www-authenticate': 'Bearer error="insufficient_scope", scope="sessions:read sessions:write"' } },
    ],
    ['a missing scope, other fields answered: 200 with their data', [error('FORBIDDEN', 'sessions:read')], true, undefined],
    ['a missing scope and invalid input', [error('FORBIDDEN', 'sessions:read'), error('BAD_USER_INPUT')], false, undefined],
    ['a statement timeout: retrying as it is would time out again', [error('QUERY_TIMED_OUT')], false, undefined],
    ['invalid input', [error('BAD_USER_INPUT')], false, undefined],
    ['a session not found', [error('NOT_FOUND')], false, undefined],
    ['an unexpected error', [error('INTERNAL_SERVER_ERROR')], false, undefined],
  ])('%s', (_what, errors, anythingSucceeded, status) => {
    expect(httpStatusFor(errors, anythingSucceeded)).toEqual(status);
  });
});
