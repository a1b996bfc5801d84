import { join } from 'node:path';
import { defineConfig, type EntityClass, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type { DatabaseConfig } from '../config/config';
import type { Logger } from '../observability/logger';
import { poolDriverOptions, tarnBounds } from './pool/pool-options';
import { ReplicaAwarePostgreSqlDriver } from './replicas/replica-aware-driver';

/**
 * The one MikroORM configuration: the server and the CLI (mikro-orm.config.ts) both build it here,
 * with the entities of every feature module (src/modules.ts). With a logger, the ORM's and the
 * driver's messages go to it instead of the console.
 */
export function createOrmOptions(
  database: DatabaseConfig & { url: string },
  entities: readonly EntityClass<object>[],
  logger?: Logger,
): Options {
  return defineConfig({
    driver: ReplicaAwarePostgreSqlDriver,
    clientUrl: database.url,
    // Each replica has a pool of its own, with the same bounds and checks as the primary's.
    replicas: database.replicas.urls.map((url, index) => ({
      name: `replica-${index + 1}`,
      clientUrl: url,
      driverOptions: poolDriverOptions(database, logger),
    })),
    entities: [...entities],
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
    pool: tarnBounds(database),
    ...(logger && { logger: (message: string) => logger.debug({ component: 'mikro-orm' }, message) }),
    driverOptions: poolDriverOptions(database, logger),
  });
}

/**
 * The options migrations run with (the CLI's, the benchmark seed's): the server's, without its
 * per-statement timeouts (DB_STATEMENT_TIMEOUT_MS, DB_QUERY_TIMEOUT_MS). A migration is no
 * request: building an index over a million rows takes longer than a request may, and a timeout
 * would roll the whole migration back.
 */
export function createMigrationOptions(database: DatabaseConfig & { url: string }, entities: readonly EntityClass<object>[]): Options {
  return createOrmOptions({ ...database, statementTimeoutMs: 0, queryTimeoutMs: 0 }, entities);
}
