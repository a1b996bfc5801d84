import { randomUUID } from 'node:crypto';
import type { ApolloServer } from '@apollo/server';
import fastifyApollo from '@as-integrations/fastify';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Context, RequestHead } from '../graphql/context';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { answerClientError, answerFrameworkError, refuseUnacceptableAccept, registerErrorHandlers } from './error-handlers';
import type { ReadinessCheck } from './health-routes';
import { registerHealthRoutes } from './health-routes';

export interface HttpServerOptions {
  bodyLimitBytes: number;
  logger: Logger;
  metrics: Metrics;
  /** Started. */
  apollo: ApolloServer<Context>;
  /** Authenticates the request and makes its context (graphql/context.ts). */
  context: (request: RequestHead) => Promise<Context>;
  readiness: ReadinessCheck;
  /** True once the drain before a stop has begun (see App.drain). */
  draining: () => boolean;
}

const REQUEST_ID_HEADER = 'x-request-id';
/** A client's request id is reused only when it is reasonable to put in logs. */
const USABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Fastify, mounting Apollo at /graphql (HTTP → Apollo → context → resolvers), the health probes
 * and /metrics; request ids, and GraphQL-shaped answers for requests Apollo never sees.
 */
export async function createHttpServer({
  bodyLimitBytes,
  logger,
  metrics,
  apollo,
  context,
  readiness,
  draining,
}: HttpServerOptions): Promise<FastifyInstance> {
  // Typed as Fastify's base logger, so that the instance is the plain FastifyInstance everyone expects.
  const loggerInstance: FastifyBaseLogger = logger;
  const app = Fastify({
    loggerInstance,
    // Fastify's two lines per request are off; GraphQL requests are logged once, with their outcome.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: bodyLimitBytes,
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
    genReqId: (request) => {
      const given = request.headers[REQUEST_ID_HEADER];
      return typeof given === 'string' && USABLE_REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
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
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing || draining()) reply.header('connection', 'close');
  });
  // fastify.close() stops accepting and waits for in-flight requests; then Apollo stops.
  app.addHook('onClose', () => apollo.stop());

  registerErrorHandlers(app);
  registerHealthRoutes(app, readiness);
  app.get('/metrics', async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  app.addHook('preHandler', async (request, reply) => {
    if (request.method === 'POST' && request.routeOptions.url === '/graphql') await refuseUnacceptableAccept(request, reply);
  });
  await app.register(fastifyApollo(apollo), {
    context: (request) => context({ id: request.id, authorization: request.headers.authorization }),
  });
  return app;
}
