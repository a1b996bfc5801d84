import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import fastifyApollo from '@as-integrations/fastify';
import type { MikroORM } from '@mikro-orm/postgresql';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import type { Config } from '../config/config';
import type { Context } from '../graphql/context';
import { createFormatError } from '../graphql/format-error';
import type { Logger } from '../observability/logger';
import { registerHealthRoutes } from './health-routes';

export interface HttpServerDependencies {
  config: Config;
  logger: Logger;
  orm: MikroORM;
  schema: GraphQLSchema;
}

/** Fastify with Apollo at /graphql: HTTP → Apollo → context (a forked EntityManager) → resolvers. */
export async function createHttpServer({ config, logger, orm, schema }: HttpServerDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // Fastify's two lines per request are off; requests are logged once, by the GraphQL layer.
    logController: new LogController({ disableRequestLogging: true }),
  });

  const apollo = new ApolloServer<Context>({
    schema,
    introspection: config.graphql.introspection,
    includeStacktraceInErrorResponses: false,
    // The process owns shutdown (main.ts): Apollo's own signal handler would re-raise the signal
    // and kill the process before the pool and the embedded database are closed.
    stopOnTerminationSignals: false,
    formatError: createFormatError(logger),
    plugins: [
      // No cache hints in this API; the default plugin would hook every resolved field.
      ApolloServerPluginCacheControlDisabled(),
    ],
  });
  await apollo.start();
  // fastify.close() stops accepting and waits for in-flight requests; then Apollo stops.
  app.addHook('onClose', () => apollo.stop());

  registerHealthRoutes(app, orm);
  await app.register(fastifyApollo(apollo), {
    context: async (): Promise<Context> => ({ em: orm.em.fork() }),
  });
  return app;
}
