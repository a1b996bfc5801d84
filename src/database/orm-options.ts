import { join } from 'node:path';
import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { DatabaseConfig } from '../config/config';
import type { Logger } from '../observability/logger';
import { InterviewSession } from '../interview-sessions/interview-session.entity';
import { createConnectionHealth } from './connection-health';
import { ReadYourWrites } from './read-your-writes';
import { ReplicaAwarePostgreSqlDriver } from './replica-aware-driver';

export const APPLICATION_NAME = 'interview-sessions-api';

/**
 * The one MikroORM configuration: the server and the CLI (mikro-orm.config.ts) both build it here.
 *
 * The pool mirrors a HikariCP / SQLAlchemy `pool_size=5, max_overflow=15, pool_recycle=1800,
 * pool_pre_ping=True` setup; every bound comes from the environment (see config/environment.ts).
 * With a logger, the ORM's and the driver's messages go to it instead of the console.
 */
export function createOrmOptions(database: DatabaseConfig & { url: string }, logger?: Logger): Options {
  const { pool } = database;
  return defineConfig({
    driver: ReplicaAwarePostgreSqlDriver,
    clientUrl: database.url,
    // Each replica has a pool of its own, with the same bounds and checks as the primary's.
    replicas: database.replicas.urls.map((url, index) => ({
      name: `replica-${index + 1}`,
      clientUrl: url,
      driverOptions: driverOptions(database, logger),
    })),
    entities: [InterviewSession],
    subscribers: [ReadYourWrites],
    extensions: [Migrator],
    // Every request works on its own fork; touching the global EntityManager is a bug.
    allowGlobalContext: false,
    forceUtcTimezone: true,
    // The server must start while the database is down and serve as soon as it is back.
    connect: false,
    migrations: {
      path: join(__dirname, '../migrations'),
      pathTs: join(__dirname, '../migrations'),
      snapshotName: '.snapshot-interview-sessions',
      transactional: true,
      allOrNothing: true,
      emit: 'ts',
    },
    pool: { min: pool.min, max: pool.max, idleTimeoutMillis: pool.idleTimeoutMs },
    ...(logger && { logger: (message: string) => logger.debug({ component: 'mikro-orm' }, message) }),
    driverOptions: driverOptions(database, logger),
  });
}

/** knex, tarn and node-postgres options of one pool: bounds, checks and timeouts. */
function driverOptions(database: DatabaseConfig, logger?: Logger) {
  const { pool } = database;
  const health = createConnectionHealth(pool);
  return {
    ...(logger && { log: knexLog(logger) }),
    acquireConnectionTimeout: pool.acquireTimeoutMs,
    pool: {
      maxConnectionLifetimeMillis: pool.maxLifetimeMs,
      maxConnectionLifetimeJitterMillis: pool.maxLifetimeJitterMs,
      ...(pool.prePing && { validate: health.validate }),
      afterCreate: (client: never, done: (error: Error | null, client: unknown) => void) => {
        health.onCreate(client);
        done(null, client);
      },
    },
    connection: {
      application_name: APPLICATION_NAME,
      connectionTimeoutMillis: database.connectTimeoutMs,
      keepAlive: true,
      // A startup parameter: PgBouncer in transaction mode refuses it (and could not keep it).
      ...(database.statementTimeoutMs > 0 && !database.transactionPooling && { statement_timeout: database.statementTimeoutMs }),
      ...(database.queryTimeoutMs > 0 && { query_timeout: database.queryTimeoutMs }),
    },
  };
}

/** knex reports dropped connections ("Connection Error: …") through these, by default to the console. */
function knexLog(logger: Logger) {
  const child = logger.child({ component: 'knex' });
  return {
    warn: (message: unknown) => child.warn(String(message)),
    error: (message: unknown) => child.error(String(message)),
    deprecate: (message: unknown) => child.warn(String(message)),
    debug: (message: unknown) => child.debug(String(message)),
  };
}
