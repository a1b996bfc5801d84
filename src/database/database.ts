import { MikroORM, type EntityClass } from '@mikro-orm/postgresql';
import type { DatabaseConfig } from '../config/config';
import type { Logger } from '../observability/logger';
import { checkDatabase, type DatabaseHealth } from './database-health';
import { startEmbeddedPostgres, type RunningEmbeddedPostgres } from './embedded/embedded-postgres';
import { createOrmOptions } from './orm-options';
import { ConnectionPool } from './pool/connection-pool';
import { PoolSharing } from './pool/pool-sharing';
import { ReplicaAwarePostgreSqlDriver, type ReplicaState } from './replicas/replica-aware-driver';
import { RequestDatabase } from './request-database';
import { startReplicaMonitor } from './replicas/replica-monitor';

export interface Database {
  orm: MikroORM;
  pool: ConnectionPool;
  /** How requests share the pool: the per-request limit and the share of expensive reads. */
  sharing: PoolSharing;
  /** The database as one request uses it. */
  forRequest(): RequestDatabase;
  /** Read replicas and their last checked state (empty without DATABASE_REPLICA_URLS). */
  replicas: readonly ReplicaState[];
  /** True when this process started the embedded PostgreSQL (no DATABASE_URL). */
  embedded: boolean;
  /** Can the database serve this instance's requests right now (database-health.ts)? */
  health(): Promise<DatabaseHealth>;
  /** Stops the replica checks, closes the pools, then stops the embedded PostgreSQL if this process started it. */
  close(): Promise<void>;
}

/**
 * The ORM over DATABASE_URL, or over the embedded PostgreSQL started here when it is unset, with
 * the entities given. Connects lazily: the server starts even while an external database is down.
 * Replicas are checked once before it returns, so reads use them from the first request.
 */
export async function openDatabase(config: DatabaseConfig, entities: readonly EntityClass<object>[], logger: Logger): Promise<Database> {
  const { url, embedded } = await locateDatabase(config, logger);
  try {
    const orm = await MikroORM.init(createOrmOptions({ ...config, url }, entities, logger));
    const driver = orm.em.getDriver() as ReplicaAwarePostgreSqlDriver;
    const replicaStates = driver.replicaSet.map((replica) => replica.state);
    const replicaMonitor = startReplicaMonitor(driver, config.replicas, logger);
    await replicaMonitor.ready();
    const sharing = new PoolSharing(config.sharing);
    return {
      orm,
      pool: new ConnectionPool(orm, config.pool.max),
      sharing,
      forRequest: () => new RequestDatabase(orm, sharing),
      replicas: replicaStates,
      embedded: embedded !== undefined,
      health: () => checkDatabase(orm),
      close: async () => {
        await replicaMonitor.stop();
        await orm.close(true);
        await embedded?.stop();
      },
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

/** DATABASE_URL, or the embedded PostgreSQL this process starts when it is unset. */
async function locateDatabase(config: DatabaseConfig, logger: Logger): Promise<{ url: string; embedded?: RunningEmbeddedPostgres }> {
  if (config.url !== undefined) return { url: config.url };
  const embedded = await startEmbeddedPostgres(config.embedded, logger);
  return { url: embedded.url, embedded };
}
