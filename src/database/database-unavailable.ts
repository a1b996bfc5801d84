/**
 * The one place that knows what "the database is unavailable" looks like. MikroORM wraps every
 * driver failure in a DriverException that copies the original `code` and `message`, so the
 * classification reads those along the error's cause chain.
 */

/** Network errors of node's sockets and DNS. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

/** SQLSTATEs: admin/crash shutdown, cannot connect now, too many connections, statement timeout. */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '57014']);

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

interface DriverFailure {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
}

function* causeChain(error: unknown): Generator<DriverFailure> {
  let current = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    yield current as DriverFailure;
    current = (current as DriverFailure).cause;
  }
}

const messageOf = (failure: DriverFailure) => (typeof failure.message === 'string' ? failure.message : '');
const codeOf = (failure: DriverFailure) => (typeof failure.code === 'string' ? failure.code : '');

/** The request could not be served because PostgreSQL could not be reached or answered in time. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (const failure of causeChain(error)) {
    const code = codeOf(failure);
    const message = messageOf(failure);
    if (NETWORK_CODES.has(code) || code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code)) return true;
    if ([...CONNECTION_LOST_MESSAGES, ...NOT_REACHED_MESSAGES].some((known) => message.includes(known))) return true;
    // tarn aborts the requests still waiting for a connection when the pool closes (shutdown).
    if (message === 'aborted') return true;
  }
  return false;
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
