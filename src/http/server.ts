import { randomUUID } from 'node:crypto';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import fastifyApollo from '@as-integrations/fastify';
import type { MikroORM } from '@mikro-orm/postgresql';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import type { Config } from '../config/config';
import type { Context } from '../graphql/context';
import { formatError } from '../graphql/format-error';
import { KnownOperationTypesRule } from '../graphql/known-operation-types';
import { parseOptions, queryLimitRules } from '../graphql/query-limits';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { requestObservabilityPlugin } from '../observability/request-observability.plugin';
import { answerClientError, answerFrameworkError, refuseUnacceptableAccept, registerErrorHandlers } from './error-handlers';
import { registerHealthRoutes } from './health-routes';

export interface HttpServerDependencies {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  orm: MikroORM;
  schema: GraphQLSchema;
}

const REQUEST_ID_HEADER = 'x-request-id';
/** A client's request id is reused only when it is reasonable to put in logs. */
const USABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Fastify with Apollo at /graphql: HTTP → Apollo → context (a forked EntityManager) → resolvers. */
export async function createHttpServer({ config, logger, metrics, orm, schema }: HttpServerDependencies): Promise<FastifyInstance> {
  const production = config.nodeEnv === 'production';
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Fastify's two lines per request are off; GraphQL requests are logged once, with their outcome.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.http.bodyLimitBytes,
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
    genReqId: (request) => {
      const given = request.headers[REQUEST_ID_HEADER];
      return typeof given === 'string' && USABLE_REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  // While shutting down, every response closes its connection: an idle keep-alive socket
  // would otherwise hold the process open until the shutdown deadline.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });

  const apollo = new ApolloServer<Context>({
    schema,
    introspection: config.graphql.introspection,
    includeStacktraceInErrorResponses: false,
    // Production answers without "Did you mean …?" hints that map the schema for an attacker.
    hideSchemaDetailsFromClientErrors: production,
    // The process owns shutdown (main.ts): Apollo's own signal handler would re-raise the signal
    // and kill the process before the pool and the embedded database are closed.
    stopOnTerminationSignals: false,
    csrfPrevention: true,
    formatError,
    validationRules: [KnownOperationTypesRule, ...queryLimitRules(config.graphql.limits)],
    // Not offered by this API: without this, a malformed persistedQuery extension is a 500.
    persistedQueries: false,
    parseOptions: parseOptions(config.graphql.limits),
    plugins: [
      requestObservabilityPlugin(logger, metrics),
      // No cache hints in this API; the default plugin would hook every resolved field.
      ApolloServerPluginCacheControlDisabled(),
      // Sandbox (the landing page) in development only.
      ...(production ? [ApolloServerPluginLandingPageDisabled()] : []),
    ],
  });
  await apollo.start();
  // fastify.close() stops accepting and waits for in-flight requests; then Apollo stops.
  app.addHook('onClose', () => apollo.stop());

  registerErrorHandlers(app);
  registerHealthRoutes(app, orm);
  app.get('/metrics', async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
  app.addHook('preHandler', async (request, reply) => {
    if (request.method === 'POST' && request.routeOptions.url === '/graphql') await refuseUnacceptableAccept(request, reply);
  });
  await app.register(fastifyApollo(apollo), {
    context: async (request): Promise<Context> => ({ em: orm.em.fork(), requestId: request.id }),
  });
  return app;
}
