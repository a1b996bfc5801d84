import { databaseProblemOf, isConnectionLost, isStatementTimeout } from '../../src/database/database-problem';

/**
 * How the server reads a failure of the database (docs/operations.md, "When the database fails"):
 * unreachable (503, heals by itself), misconfigured (503, a setting to fix), a statement timeout
 * (QUERY_TIMED_OUT), or not the database's problem at all. Failures are built as the drivers
 * raise them: node's socket errors and PostgreSQL's SQLSTATEs carry a `code`; node-postgres,
 * knex and tarn raise some with a message only; MikroORM wraps them with the original as `cause`.
 */
const failure = (code: string | undefined, message = 'some failure') => Object.assign(new Error(message), code ? { code } : {});
const wrapped = (cause: unknown) => new Error('DriverException: something went wrong', { cause });

const UNREACHABLE = { kind: 'unreachable', reason: 'database unreachable' };
const misconfigured = (reason: string) => ({ kind: 'misconfigured', reason });

const STATEMENT_TIMEOUT = failure('57014', 'canceling statement due to statement timeout');
const CANCELLED_BY_ADMINISTRATOR = failure('57014', 'canceling statement due to user request');

describe('what a failure of the database means', () => {
  it.each<[string, unknown, object | undefined]>([
    ['connection refused', failure('ECONNREFUSED'), UNREACHABLE],
    ['connection reset', failure('ECONNRESET'), UNREACHABLE],
    ['connection timed out', failure('ETIMEDOUT'), UNREACHABLE],
    ['broken pipe', failure('EPIPE'), UNREACHABLE],
    ['host unreachable', failure('EHOSTUNREACH'), UNREACHABLE],
    ['network unreachable', failure('ENETUNREACH'), UNREACHABLE],
    ['unknown host', failure('ENOTFOUND'), UNREACHABLE],
    ['DNS lookup to retry', failure('EAI_AGAIN'), UNREACHABLE],
    ['connection aborted', failure('ECONNABORTED'), UNREACHABLE],
    ['SQLSTATE class 08 (connection exception)', failure('08006'), UNREACHABLE],
    ['SQLSTATE 08001 (cannot connect)', failure('08001'), UNREACHABLE],
    ['admin shutdown (57P01)', failure('57P01'), UNREACHABLE],
    ['crash shutdown (57P02)', failure('57P02'), UNREACHABLE],
    ['cannot connect now (57P03)', failure('57P03'), UNREACHABLE],
    ['too many connections (53300)', failure('53300'), UNREACHABLE],
    ['a statement cancelled other than by statement_timeout (57014)', CANCELLED_BY_ADMINISTRATOR, UNREACHABLE],
    ['node-postgres: the socket closed', failure(undefined, 'Connection terminated unexpectedly'), UNREACHABLE],
    [
      'node-postgres: a client after an error',
      failure(undefined, 'Client has encountered a connection error and is not queryable'),
      UNREACHABLE,
    ],
    ['node-postgres: the query timeout (a silent socket)', failure(undefined, 'Query read timeout'), UNREACHABLE],
    ['knex: the acquire timeout', failure(undefined, 'Knex: Timeout acquiring a connection. The pool is probably full.'), UNREACHABLE],
    ['node-postgres: the connect timeout', failure(undefined, 'timeout expired'), UNREACHABLE],
    ['pg-pool: the connect timeout', failure(undefined, 'Connection terminated due to connection timeout'), UNREACHABLE],
    ['tarn: a wait aborted as the pool closes', failure(undefined, 'aborted'), UNREACHABLE],
    ['wrong password (28P01)', failure('28P01'), misconfigured('the database refused the password: check the password in DATABASE_URL')],
    [
      'unknown role, or not allowed to connect (28000)',
      failure('28000'),
      misconfigured('the database refused the login: check the user in DATABASE_URL (it must exist and be allowed to connect)'),
    ],
    [
      'unknown database (3D000)',
      failure('3D000'),
      misconfigured('the database named in DATABASE_URL does not exist: create it, or fix the database name in DATABASE_URL'),
    ],
    [
      'a table missing (42P01)',
      failure('42P01'),
      misconfigured('a table of this API is missing: apply the migrations (npm run migration:up) to the database in DATABASE_URL'),
    ],
    [
      'no privilege on the tables (42501)',
      failure('42501'),
      misconfigured("the user in DATABASE_URL lacks a privilege on this API's tables: grant it, or connect as their owner"),
    ],
    [
      'PgBouncer refusing statement_timeout',
      failure('08P01', 'unsupported startup parameter: statement_timeout'),
      misconfigured(
        'the database refused the startup parameter statement_timeout: behind PgBouncer in transaction mode, set DB_TRANSACTION_POOLING=true',
      ),
    ],
    ['MikroORM wrapping a refused connection', wrapped(failure('ECONNREFUSED')), UNREACHABLE],
    [
      'MikroORM wrapping a wrong password',
      wrapped(failure('28P01')),
      misconfigured('the database refused the password: check the password in DATABASE_URL'),
    ],
    ['a statement timeout: the database answered', STATEMENT_TIMEOUT, undefined],
    ['a statement timeout, wrapped', wrapped(STATEMENT_TIMEOUT), undefined],
    ['a unique violation (23505)', failure('23505'), undefined],
    ['a value out of range (22003)', failure('22003'), undefined],
    ['a syntax error (42601)', failure('42601'), undefined],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')"), undefined],
    ['an "aborted" inside a longer message', failure(undefined, 'the request was aborted by the client'), undefined],
    ['not an error at all', 'ECONNREFUSED', undefined],
    ['nothing', undefined, undefined],
  ])('%s', (_what, error, problem) => {
    expect(databaseProblemOf(error)).toEqual(problem);
  });
});

describe('a connection lost under a query (a read may retry on a fresh one)', () => {
  it.each<[string, boolean, unknown]>([
    ['connection reset', true, failure('ECONNRESET')],
    ['broken pipe', true, failure('EPIPE')],
    ['backend terminated (57P01)', true, failure('57P01')],
    ['crash shutdown (57P02)', true, failure('57P02')],
    ['cannot connect now (57P03)', true, failure('57P03')],
    ['SQLSTATE class 08', true, failure('08006')],
    ['the socket closed', true, failure(undefined, 'Connection terminated unexpectedly')],
    ['a client after an error', true, failure(undefined, 'Client has encountered a connection error and is not queryable')],
    ['the query timeout (a silent socket)', true, failure(undefined, 'Query read timeout')],
    ['wrapped by MikroORM', true, wrapped(failure('ECONNRESET'))],
    ['connection refused (never connected)', false, failure('ECONNREFUSED')],
    ['the connect timeout (never connected)', false, failure(undefined, 'Connection terminated due to connection timeout')],
    ['the acquire timeout', false, failure(undefined, 'Knex: Timeout acquiring a connection. The pool is probably full.')],
    ['too many connections', false, failure('53300')],
    ['wrong password', false, failure('28P01')],
    ['a statement timeout', false, STATEMENT_TIMEOUT],
    ['a unique violation', false, failure('23505')],
  ])('%s → %s', (_what, lost, error) => {
    expect(isConnectionLost(error)).toBe(lost);
  });
});

describe('a statement timeout (QUERY_TIMED_OUT: the query asked too much)', () => {
  it.each<[string, boolean, unknown]>([
    ['57014 with "statement timeout"', true, STATEMENT_TIMEOUT],
    ['the same, wrapped by MikroORM', true, wrapped(STATEMENT_TIMEOUT)],
    ['57014 cancelled by an administrator', false, CANCELLED_BY_ADMINISTRATOR],
    ['"statement timeout" under another code', false, failure('XX000', 'canceling statement due to statement timeout')],
    ['the client-side query timeout', false, failure(undefined, 'Query read timeout')],
  ])('%s → %s', (_what, timedOut, error) => {
    expect(isStatementTimeout(error)).toBe(timedOut);
  });
});
