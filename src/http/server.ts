import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify';
import type { MikroORM } from '@mikro-orm/postgresql';
import Fastify from 'fastify';
import type { GraphQLSchema } from 'graphql';
import type { Config } from '../config/config';
import type { Context } from '../graphql/context';
import { createFormatError } from '../graphql/format-error';
import type { Logger } from '../observability/logger';

export interface HttpServerDependencies {
  config: Config;
  logger: Logger;
  orm: MikroORM;
  schema: GraphQLSchema;
}

/** Fastify with Apollo at /graphql: HTTP → Apollo → context (a forked EntityManager) → resolvers. */
export async function createHttpServer({ config, logger, orm, schema }: HttpServerDependencies) {
  const app = Fastify({ loggerInstance: logger, disableRequestLogging: true });

  const apollo = new ApolloServer<Context>({
    schema,
    introspection: config.graphql.introspection,
    includeStacktraceInErrorResponses: false,
    formatError: createFormatError(logger),
    plugins: [
      fastifyApolloDrainPlugin(app),
      // No cache hints in this API; the default plugin would hook every resolved field.
      ApolloServerPluginCacheControlDisabled(),
    ],
  });
  await apollo.start();

  await app.register(fastifyApollo(apollo), {
    context: async (): Promise<Context> => ({ em: orm.em.fork() }),
  });
  return app;
}

export type HttpServer = Awaited<ReturnType<typeof createHttpServer>>;
