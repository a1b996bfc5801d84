/**
 * The one place that knows what PostgreSQL's failures mean for this server. MikroORM wraps every
 * driver failure in a DriverException that copies the original `code` and `message`, so the
 * classification reads those along the error's cause chain.
 *
 * Two kinds of problem make the API unavailable (HTTP 503 for clients):
 * - unreachable: the database cannot be reached or does not answer in time. It heals by itself.
 * - misconfigured: the database answers but refuses this server for a reason waiting will not
 *   fix (a wrong password, an unknown database, missing tables…). The reason names the setting
 *   to check; the server keeps running and serves as soon as it is fixed.
 */
export interface DatabaseProblem {
  kind: 'unreachable' | 'misconfigured';
  /** For logs and /health/ready: what is wrong and what to change, never a host, a password or SQL. */
  reason: string;
}

/** Network errors of node's sockets and DNS. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
]);

/**
 * SQLSTATEs: admin/crash shutdown, cannot connect now, too many connections, a statement
 * cancelled (by an administrator, or PostgreSQL shutting down; a statement timeout is not an
 * outage, see isStatementTimeout).
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '57014']);

/**
 * serialization_failure and deadlock_detected: PostgreSQL rolled the transaction back so that
 * another could go on; and in_failed_sql_transaction: a statement sent after another of the same
 * transaction failed (that failure, in the same response, says why), which rolls back too.
 */
const CONFLICT_SQLSTATES = new Set(['40001', '40P01', '25P02']);

/** PostgreSQL's query_canceled, with this message when the statement ran past statement_timeout. */
const QUERY_CANCELED = '57014';
const STATEMENT_TIMEOUT_MESSAGE = 'statement timeout';

/** Refusals that waiting will not heal, by SQLSTATE, with the setting to check. */
const MISCONFIGURED_SQLSTATES: Record<string, string> = {
  '28P01': 'the database refused the password: check the password in DATABASE_URL',
  '28000': 'the database refused the login: check the user in DATABASE_URL (it must exist and be allowed to connect)',
  '3D000': 'the database named in DATABASE_URL does not exist: create it, or fix the database name in DATABASE_URL',
  '42P01': 'a table of this API is missing: apply the migrations (npm run migration:up) to the database in DATABASE_URL',
  '42501': "the user in DATABASE_URL lacks a privilege on this API's tables: grant it, or connect as their owner",
};

/** PgBouncer refuses startup parameters it does not know, such as statement_timeout, with this message. */
const REFUSED_STARTUP_PARAMETER = /unsupported startup parameter: (\w+)/;

/** Messages of node-postgres and knex that carry no code. */
const CONNECTION_LOST_MESSAGES = [
  'Connection terminated', // pg: the socket closed under a query or while idle
  'Client has encountered a connection error and is not queryable',
  'Query read timeout', // pg query_timeout: the socket went silent
];
const NOT_REACHED_MESSAGES = [
  'Timeout acquiring a connection', // knex: the pool's acquire timeout
  'timeout expired', // pg connectionTimeoutMillis
  'Connection terminated due to connection timeout',
];

/** Connection-class failures: the connection broke under the query; a read may retry on a fresh one. */
const LOST_SQLSTATES = new Set(['57P01', '57P02', '57P03']);
const LOST_CODES = new Set(['ECONNRESET', 'EPIPE']);

const UNREACHABLE: DatabaseProblem = { kind: 'unreachable', reason: 'database unreachable' };

interface DriverFailure {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
}

function* causeChain(error: unknown): Generator<DriverFailure> {
  let current = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const failure: DriverFailure = current;
    yield failure;
    current = failure.cause;
  }
}

const messageOf = (failure: DriverFailure) => (typeof failure.message === 'string' ? failure.message : '');
const codeOf = (failure: DriverFailure) => (typeof failure.code === 'string' ? failure.code : '');

/** Why the database could not serve this request, or undefined when the error is not the database's. */
export function databaseProblemOf(error: unknown): DatabaseProblem | undefined {
  if (isStatementTimeout(error)) return undefined;
  for (const failure of causeChain(error)) {
    const code = codeOf(failure);
    const message = messageOf(failure);
    const refused = REFUSED_STARTUP_PARAMETER.exec(message);
    if (refused) {
      return {
        kind: 'misconfigured',
        reason: `the database refused the startup parameter ${refused[1]}: behind PgBouncer in transaction mode, set DB_TRANSACTION_POOLING=true`,
      };
    }
    const misconfigured = MISCONFIGURED_SQLSTATES[code];
    if (misconfigured) return { kind: 'misconfigured', reason: misconfigured };
    if (NETWORK_CODES.has(code) || code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code)) return UNREACHABLE;
    if ([...CONNECTION_LOST_MESSAGES, ...NOT_REACHED_MESSAGES].some((known) => message.includes(known))) return UNREACHABLE;
    // tarn aborts the requests still waiting for a connection when the pool closes (shutdown).
    if (message === 'aborted') return UNREACHABLE;
  }
  return undefined;
}

/** The request could not be served because of the database: unreachable or misconfigured. */
export function isDatabaseUnavailable(error: unknown): boolean {
  return databaseProblemOf(error) !== undefined;
}

/**
 * The connection broke while in use (killed backend, reset, silent socket). Unlike "not reached"
 * (refused, acquire timeout), a second attempt on a fresh connection is likely to succeed.
 */
export function isConnectionLost(error: unknown): boolean {
  for (const failure of causeChain(error)) {
    const code = codeOf(failure);
    const message = messageOf(failure);
    // "Connection terminated due to connection timeout" was never connected: not a lost connection.
    if (NOT_REACHED_MESSAGES.some((known) => message.includes(known))) return false;
    if (LOST_CODES.has(code) || LOST_SQLSTATES.has(code) || code.startsWith('08')) return true;
    if (CONNECTION_LOST_MESSAGES.some((known) => message.includes(known))) return true;
  }
  return false;
}

/**
 * PostgreSQL rolled the transaction back because it collided with a concurrent one (a deadlock, a
 * serialization failure), or because an earlier statement of it failed: nothing of it was kept,
 * and the same request sent again is likely to succeed.
 */
export function isTransactionConflict(error: unknown): boolean {
  for (const failure of causeChain(error)) if (CONFLICT_SQLSTATES.has(codeOf(failure))) return true;
  return false;
}

/**
 * The statement ran longer than statement_timeout allows, and PostgreSQL cancelled it: the query
 * was too expensive for the time it may take. The database itself answered.
 */
export function isStatementTimeout(error: unknown): boolean {
  for (const failure of causeChain(error)) {
    if (codeOf(failure) === QUERY_CANCELED && messageOf(failure).includes(STATEMENT_TIMEOUT_MESSAGE)) return true;
  }
  return false;
}
