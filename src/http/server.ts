import { randomUUID } from 'node:crypto';
import type { ApolloServer } from '@apollo/server';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Config } from '../config/config';
import type { Context, RequestHead } from '../graphql/context';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import type { Tracing } from '../tracing/tracing';
import {
  answerFrameworkError,
  answerUnmetExpectation,
  clientErrorHandler,
  refuseBadHost,
  refuseUnacceptableAccept,
  registerErrorHandlers,
} from './error-handlers';
import { GRAPHQL_PATH, registerGraphQLRoute } from './graphql-route';
import { registerHealthRoutes, type InstanceState } from './health-routes';
import { registerJsonBodyParser } from './json-body';
import { registerAdmissionControl } from './admission';
import { hostProblem } from './request-head';

export interface HttpServerOptions {
  limits: Config['http']['limits'];
  trustProxy: Config['http']['trustProxy'];
  logger: Logger;
  metrics: Metrics;
  /** Started. */
  apollo: ApolloServer<Context>;
  /** Authenticates the request and makes its context (graphql/context.ts). */
  context: (request: RequestHead) => Promise<Context>;
  /** What /health/ready reports on. */
  instanceState: () => Promise<InstanceState>;
  /** True once the drain before a stop has begun (see App.drain). */
  draining: () => boolean;
  /** The HTTP and GraphQL operation spans of each request; unset: tracing is off. */
  tracing?: Tracing;
}

const REQUEST_ID_HEADER = 'x-request-id';
/** A client's request id is reused only when it is reasonable to put in logs. */
const USABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** How often Node looks for requests past HTTP_REQUEST_TIMEOUT_MS (its default, 30 s, would let one overstay by as much). */
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

/**
 * Fastify, mounting Apollo at /graphql (HTTP → Apollo → context → resolvers), the health probes
 * and /metrics; request ids, and GraphQL-shaped answers for requests Apollo never sees. A client
 * holds no more than its share: a whole request must arrive within HTTP_REQUEST_TIMEOUT_MS, a
 * connection idle for HTTP_CONNECTION_TIMEOUT_MS in the middle of a request is closed, and past
 * HTTP_MAX_CONNECTIONS new connections are closed at once; each refusal is counted.
 */
export async function createHttpServer({
  limits,
  trustProxy,
  logger,
  metrics,
  apollo,
  context,
  instanceState,
  draining,
  tracing,
}: HttpServerOptions): Promise<FastifyInstance> {
  // Typed as Fastify's base logger, so that the instance is the plain FastifyInstance everyone expects.
  const loggerInstance: FastifyBaseLogger = logger;
  const app = Fastify({
    loggerInstance,
    // Fastify's two lines per request are off; GraphQL requests are logged once, with their outcome.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: limits.bodyLimitBytes,
    // request.ip: the client's address, from X-Forwarded-For when a trusted proxy sent it.
    trustProxy,
    requestTimeout: limits.requestTimeoutMs,
    connectionTimeout: limits.connectionTimeoutMs,
    http: {
      headersTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: Math.min(TIMEOUT_CHECK_INTERVAL_MS, limits.requestTimeoutMs),
      // The Host check below answers a missing Host with a JSON body; Node's own answer has none.
      requireHostHeader: false,
    },
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: clientErrorHandler((reason) => metrics.observeHttpRefusal(reason)),
    genReqId: (request) => {
      const given = request.headers[REQUEST_ID_HEADER];
      return typeof given === 'string' && USABLE_REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  // First, so that its span covers every hook, and it sees every route as it is added.
  if (tracing) await app.register(tracing.http);
  app.server.maxConnections = limits.maxConnections;
  app.server.on('drop', () => metrics.observeHttpRefusal('connection_limit'));
  app.server.on('checkExpectation', (request, response) => {
    metrics.observeHttpRefusal('expectation_failed');
    answerUnmetExpectation(request, response);
  });
  registerJsonBodyParser(app);

  // From the start of the drain, every response closes its connection: a client holding a
  // keep-alive connection to this instance (one behind a connection-level balancer such as
  // kube-proxy, say) reconnects, and lands elsewhere once the balancer has taken this instance
  // out. While closing, an idle keep-alive socket would otherwise hold the process open until
  // the shutdown deadline.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    const problem = hostProblem(request.raw);
    if (problem === undefined) return;
    metrics.observeHttpRefusal('malformed_host');
    request.log.warn({ requestId: request.id, problem }, 'refused a request whose Host header is missing, repeated or malformed');
    await refuseBadHost(reply, problem);
  });
  // After the request id and the Host check: a refusal for capacity carries the id, a bad Host is refused as such.
  registerAdmissionControl(app, limits.maxInFlight, () => metrics.observeHttpRefusal('overloaded'));
  app.addHook('onSend', async (_request, reply) => {
    if (closing || draining()) reply.header('connection', 'close');
  });
  // fastify.close() stops accepting and waits for in-flight requests; then Apollo stops.
  app.addHook('onClose', () => apollo.stop());

  registerErrorHandlers(app);
  registerHealthRoutes(app, instanceState);
  app.get('/metrics', async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  app.addHook('preHandler', async (request, reply) => {
    if (request.method === 'POST' && request.routeOptions.url === GRAPHQL_PATH) await refuseUnacceptableAccept(request, reply);
  });
  registerGraphQLRoute(app, apollo, context, tracing?.inOperationSpan);
  return app;
}
