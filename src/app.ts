import type { FastifyInstance } from 'fastify';
import type { Config } from './config/config';
import { openDatabase, type Database } from './database/database';
import { prepareSchema } from './database/migrations';
import { checkConnectionBudget } from './database/pool-budget';
import { warmUpPool } from './database/pool-warm-up';
import { ReplicaAwarePostgreSqlDriver } from './database/replica-aware-driver';
import { startReplicaMonitor } from './database/replica-monitor';
import { buildApiSchema } from './graphql/schema';
import { createHttpServer } from './http/server';
import type { Logger } from './observability/logger';
import { createMetrics } from './observability/metrics';

export interface App {
  http: FastifyInstance;
  database: Database;
  /** Where it listens, e.g. http://127.0.0.1:4000 */
  url: string;
  /** Stops taking requests, lets in-flight ones finish, then closes the database. */
  stop(): Promise<void>;
}

/** Database (replica checks, metrics, migrations, warm pool, budget) → GraphQL schema → HTTP server, listening. */
export async function startApp(config: Config, logger: Logger): Promise<App> {
  const database = await openDatabase(config, logger);
  const driver = database.orm.em.getDriver() as ReplicaAwarePostgreSqlDriver;
  const replicaMonitor = startReplicaMonitor(driver, config.database.replicas, logger);
  try {
    const schema = await buildApiSchema();
    // Metrics first, so that they count the first connections too.
    const metrics = createMetrics(database.orm, config.database.pool.max, driver.replicaStates);
    await prepareSchema(database, logger);
    await warmUpPool(database.orm, config.database.pool.min, logger);
    await checkConnectionBudget(
      database.orm,
      { poolMax: config.database.pool.max, expectedInstances: config.database.expectedInstances },
      logger,
    );
    await replicaMonitor.ready();
    const http = await createHttpServer({ config, logger, metrics, orm: database.orm, schema });
    await http.listen({ host: config.http.host, port: config.http.port });
    const { port } = http.server.address() as { port: number };
    const host = config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host;
    return {
      http,
      database,
      url: `http://${host}:${port}`,
      stop: async () => {
        await http.close();
        await replicaMonitor.stop();
        await database.close();
      },
    };
  } catch (error) {
    await replicaMonitor.stop();
    await database.close();
    throw error;
  }
}
