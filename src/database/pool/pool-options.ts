import type { DatabaseConfig } from '../../config/config';
import { SERVICE_NAME } from '../../service-name';
import type { Logger } from '../../observability/logger';
import { createConnectionHealth, type PooledClient } from './connection-health';

/** How this server's connections show in pg_stat_activity. */
export const APPLICATION_NAME = SERVICE_NAME;

/**
 * knex, tarn and node-postgres options of one pool (the primary's, or a replica's): bounds,
 * checks and timeouts. MikroORM passes `pool` straight to tarn; what its type does not list goes
 * here, under `driverOptions`.
 *
 * The pool mirrors a HikariCP / SQLAlchemy `pool_size=5, max_overflow=15, pool_recycle=1800,
 * pool_pre_ping=True` setup; every bound comes from the environment (see config/environment.ts).
 */
export function poolDriverOptions(database: DatabaseConfig, logger?: Logger) {
  const { pool } = database;
  const health = createConnectionHealth(pool);
  return {
    ...(logger && { log: knexLog(logger) }),
    acquireConnectionTimeout: pool.acquireTimeoutMs,
    pool: {
      maxConnectionLifetimeMillis: pool.maxLifetimeMs,
      maxConnectionLifetimeJitterMillis: pool.maxLifetimeJitterMs,
      ...(pool.prePing && { validate: health.validate }),
      afterCreate: (client: PooledClient, done: (error: Error | null, client: unknown) => void) => {
        health.onCreate(client);
        client.preparedStatements = !database.transactionPooling;
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

/** tarn's own bounds; MikroORM's `pool` option. */
export function tarnBounds({ pool }: DatabaseConfig) {
  return { min: pool.min, max: pool.max, idleTimeoutMillis: pool.idleTimeoutMs };
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
