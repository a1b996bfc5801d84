import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** Why the HTTP layer refused a connection or a request before any route saw it. */
export type HttpRefusal =
  | 'request_timeout'
  | 'connection_limit'
  | 'malformed_host'
  | 'header_too_large'
  | 'malformed_request'
  | 'expectation_failed'
  /** More GraphQL requests in flight than HTTP_MAX_IN_FLIGHT (503 OVERLOADED). */
  | 'overloaded';

export type RequestOutcome =
  | 'ok'
  | 'client_error'
  /** Refused for its credentials (401), before anything ran. */
  | 'unauthenticated'
  /** A field its token has no scope for, and nothing else failed worse. */
  | 'forbidden'
  /** Counts found their share of the pool busy (503). */
  | 'busy'
  | 'database_unavailable'
  /** PostgreSQL rolled its writes back for a deadlock or a serialization failure (503). */
  | 'transaction_conflict'
  /** The database refuses this server (503 without Retry-After): an operator must fix it. */
  | 'database_misconfigured'
  /** Tokens could not be verified: the JWKS could not be fetched (503). */
  | 'authentication_unavailable'
  /** TRUSTED_DOCUMENTS=enforce refused its document (403), before reading it. */
  | 'document_not_in_list'
  /** It would have overdrawn its client's cost budget (429), and did not run. */
  | 'rate_limited'
  | 'internal';

export interface Metrics {
  registry: Registry;
  /** `limit`: the limit the request hit, if it was refused by one (see the request plugin). */
  observeGraphQLRequest(operation: string, outcome: RequestOutcome, seconds: number, limit?: string): void;
  /** The codes of the errors a response carried, one sample each. */
  observeErrorCodes(codes: readonly string[]): void;
  /** A mutation answered with the response stored under its Idempotency-Key. */
  observeIdempotentReplay(): void;
  /** A request refused for its credentials, or a field for a missing scope (`insufficient_scope`). */
  observeAuthRejection(reason: string): void;
  /** A connection or request the HTTP layer refused before any route saw it. */
  observeHttpRefusal(reason: HttpRefusal): void;
  /** A request whose document is not a trusted one: served under TRUSTED_DOCUMENTS=log, refused under enforce. */
  observeDocumentNotInList(mode: 'log' | 'enforce'): void;
  /** A request charged to the instance's share in memory because Redis did not answer in time. */
  observeBudgetMiss(reason: 'timeout' | 'unavailable'): void;
}

/**
 * Prometheus metrics, in a registry of this app's own (several apps can share a process in tests):
 * the GraphQL requests, the HTTP layer's refusals, and Node's process metrics. The database
 * registers its own in the same registry (database/database-metrics.ts).
 */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const authRejections = new Counter({
    name: 'graphql_auth_rejections_total',
    help: 'Requests refused for their credentials (HTTP 401, 503), and responses with a field refused for a missing scope, by reason',
    labelNames: ['reason'],
    registers: [registry],
  });
  const httpRefusals = new Counter({
    name: 'http_requests_refused_total',
    help: 'Connections and requests refused before any route saw them, by reason (request_timeout, connection_limit, malformed_host, header_too_large, malformed_request, expectation_failed, overloaded)',
    labelNames: ['reason'],
    registers: [registry],
  });
  const errorCodes = new Counter({
    name: 'graphql_errors_total',
    help: 'Errors in GraphQL responses, by code (VERSION_CONFLICT, IDEMPOTENCY_KEY_IN_USE, IDEMPOTENCY_KEY_REUSED, BAD_USER_INPUT…)',
    labelNames: ['code'],
    registers: [registry],
  });
  const replays = new Counter({
    name: 'graphql_idempotent_replays_total',
    help: 'Mutations answered with the response stored under their Idempotency-Key, without executing again',
    registers: [registry],
  });
  const documentsNotInList = new Counter({
    name: 'graphql_documents_not_in_list_total',
    help: 'Requests whose document is not in the trusted documents manifest, by TRUSTED_DOCUMENTS mode (log: served, enforce: refused with 403)',
    labelNames: ['mode'],
    registers: [registry],
  });
  const budgetMisses = new Counter({
    name: 'graphql_cost_budget_misses_total',
    help: "Requests charged to the instance's share of the cost budget in memory because Redis did not answer, by reason (timeout, unavailable)",
    labelNames: ['reason'],
    registers: [registry],
  });
  return {
    registry,
    observeGraphQLRequest: graphqlRequestMetrics(registry),
    observeErrorCodes: (codes) => {
      for (const code of codes) errorCodes.labels(code).inc();
    },
    observeIdempotentReplay: () => replays.inc(),
    observeAuthRejection: (reason) => authRejections.labels(reason).inc(),
    observeHttpRefusal: (reason) => httpRefusals.labels(reason).inc(),
    observeDocumentNotInList: (mode) => documentsNotInList.labels(mode).inc(),
    observeBudgetMiss: (reason) => budgetMisses.labels(reason).inc(),
  };
}

function graphqlRequestMetrics(registry: Registry): Metrics['observeGraphQLRequest'] {
  const requests = new Counter({
    name: 'graphql_requests_total',
    help: 'GraphQL requests by operation name and outcome',
    labelNames: ['operation', 'outcome'],
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'graphql_request_duration_seconds',
    help: 'GraphQL request duration by operation name and outcome',
    labelNames: ['operation', 'outcome'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const databaseUnavailable = new Counter({
    name: 'graphql_database_unavailable_total',
    help: 'Responses that said DATABASE_UNAVAILABLE (HTTP 503)',
    registers: [registry],
  });
  const limited = new Counter({
    name: 'graphql_limit_rejections_total',
    help: 'Requests refused by a limit, by limit (depth, aliases, cost, tokens, statement_timeout, expensive_reads, budget)',
    labelNames: ['limit'],
    registers: [registry],
  });
  // The series of each label pair, looked up once: labels given as an object are hashed on every call.
  interface Series {
    count: Counter.Internal;
    duration: Histogram.Internal<string>;
  }
  const series = new Map<string, Map<RequestOutcome, Series>>();
  const seriesOf = (operation: string, outcome: RequestOutcome) => {
    let byOutcome = series.get(operation);
    if (!byOutcome) series.set(operation, (byOutcome = new Map<RequestOutcome, Series>()));
    let pair = byOutcome.get(outcome);
    if (!pair)
      byOutcome.set(outcome, (pair = { count: requests.labels(operation, outcome), duration: durations.labels(operation, outcome) }));
    return pair;
  };
  return (operation, outcome, seconds, limit) => {
    const { count, duration } = seriesOf(operation, outcome);
    count.inc();
    duration.observe(seconds);
    if (outcome === 'database_unavailable') databaseUnavailable.inc();
    if (limit) limited.inc({ limit });
  };
}
