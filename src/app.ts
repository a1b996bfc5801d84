import type { FastifyInstance } from 'fastify';
import { createAuthenticator } from './auth/authenticator';
import type { CostBudget } from './graphql/budgets/cost-budget';
import { openCostBudget } from './graphql/budgets/open-cost-budget';
import type { Config } from './config/config';
import { openDatabase, type Database } from './database/database';
import { registerDatabaseMetrics } from './database/database-metrics';
import { prepareDatabase } from './database/start-up';
import { createApolloServer } from './graphql/apollo-server';
import { contextFunction } from './graphql/context';
import { OperationCosts } from './graphql/operation-costs';
import { buildApiSchema } from './graphql/schema';
import { createHttpServer } from './http/server';
import { startExpiredKeysCleanup, type ExpiredKeysCleanup } from './idempotency/expired-keys-cleanup';
import { IdempotencyKeys } from './idempotency/idempotency-keys';
import { entities, resolvers } from './modules';
import type { Logger } from './observability/logger';
import { createMetrics } from './observability/metrics';
import type { Tracing } from './tracing/tracing';
import { StartupError } from './startup-error';
import { untrustedDocumentCheck } from './graphql/trusted-documents/enforcement';
import { loadTrustedDocuments } from './graphql/trusted-documents/load-trusted-documents';

export interface App {
  http: FastifyInstance;
  database: Database;
  /** Where it listens, e.g. http://127.0.0.1:4000 */
  url: string;
  /**
   * Starts the drain before a stop: /health/ready answers 503 (`shutting down`) so that load
   * balancers take this instance out, while every request that still arrives is served, each
   * response closing its connection so that clients reconnect elsewhere.
   */
  drain(): void;
  /** Deletes expired idempotency keys in the background. */
  expiredKeysCleanup: ExpiredKeysCleanup;
  /** Stops taking requests, lets in-flight ones finish, then closes the database. */
  stop(): Promise<void>;
}

/**
 * The feature modules' schema (and the trusted documents checked against it) → database →
 * authentication → GraphQL (Apollo) → HTTP server, listening; each traced where it plugs in, when
 * `tracing` is given.
 */
export async function startApp(config: Config, logger: Logger, tracing?: Tracing): Promise<App> {
  // Before the database: a manifest the schema no longer serves stops the start at once.
  const schema = await buildApiSchema(resolvers);
  tracing?.traceResolvers(schema);
  const costs = new OperationCosts();
  const trusted = loadTrustedDocuments(config.graphql, schema, costs, logger);
  const database = await openDatabase(config.database, entities, logger);
  let budget: CostBudget | undefined;
  try {
    tracing?.traceDatabase(database);
    // Metrics first, so that they count the first connections too.
    const metrics = createMetrics();
    registerDatabaseMetrics(metrics.registry, database);
    const { pool, expectedInstances } = config.database;
    await prepareDatabase(database, { poolMin: pool.min, poolMax: pool.max, expectedInstances }, logger);

    const authenticator = createAuthenticator(config.auth, logger);
    await authenticator.start();
    budget = await openCostBudget(config.budget, logger, metrics);
    const tracingPlugin = tracing?.graphqlPlugin(costs);
    const apollo = createApolloServer({ schema, config, logger, metrics, costs, trusted, budget, tracingPlugin });
    await apollo.start();
    const { ttlSeconds, cleanupIntervalMs } = config.idempotency;
    const keysCleanup = startExpiredKeysCleanup(database.orm, database.pool, cleanupIntervalMs, logger);
    let draining = false;
    const http = await createHttpServer({
      limits: config.http.limits,
      trustProxy: config.http.trustProxy,
      logger,
      metrics,
      apollo,
      context: contextFunction(
        () => database.forRequest(),
        authenticator,
        new IdempotencyKeys(ttlSeconds, logger),
        untrustedDocumentCheck(trusted, config.graphql),
      ),
      instanceState: async () => (draining ? { draining } : { draining, database: await database.health(), replicas: database.replicas }),
      draining: () => draining,
      tracing,
    });
    await listen(http, config.http);
    const { port } = http.server.address() as { port: number };
    const host = config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host;
    return {
      http,
      database,
      url: `http://${host}:${port}`,
      drain: () => {
        draining = true;
      },
      expiredKeysCleanup: keysCleanup,
      stop: async () => {
        await http.close();
        await keysCleanup.stop();
        await budget?.close();
        await database.close();
      },
    };
  } catch (error) {
    await budget?.close();
    await database.close();
    throw error;
  }
}

/** A port in use or an address this machine does not have is the user's to fix: one clear line. */
async function listen(http: FastifyInstance, { host, port }: Config['http']): Promise<void> {
  try {
    await http.listen({ host, port });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new StartupError(`PORT ${port} is already in use on ${host}: stop the program using it, or set PORT to a free port.`);
    if (code === 'EACCES') throw new StartupError(`PORT ${port} needs privileges this process does not have: set PORT to 1024 or above.`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
      throw new StartupError(`HOST ${host} is not an address of this machine: set HOST to one (0.0.0.0 listens on all).`);
    }
    throw error;
  }
}
