import { join } from 'node:path';
import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { DatabaseConfig } from '../config/config';
import type { Logger } from '../observability/logger';
import { InterviewSession } from '../interview-sessions/interview-session.entity';
import { createConnectionHealth } from './connection-health';

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
  const health = createConnectionHealth(pool);

  return defineConfig({
    clientUrl: database.url,
    entities: [InterviewSession],
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
    driverOptions: {
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
        ...(database.statementTimeoutMs > 0 && { statement_timeout: database.statementTimeoutMs }),
        ...(database.queryTimeoutMs > 0 && { query_timeout: database.queryTimeoutMs }),
      },
    },
  });
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
