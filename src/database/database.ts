import { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config/config';
import type { Logger } from '../observability/logger';
import { startEmbeddedPostgres, type RunningEmbeddedPostgres } from './embedded/embedded-postgres';
import { discard, type PooledClient } from './connection-health';
import { createOrmOptions } from './orm-options';

export interface Database {
  orm: MikroORM;
  /** True when this process started the embedded PostgreSQL (no DATABASE_URL). */
  embedded: boolean;
  /** Closes the pool, then stops the embedded PostgreSQL if this process started it. */
  close(): Promise<void>;
  /** Drops the connections in use, so that close() need not wait for their queries (shutdown deadline). */
  abortQueries(): void;
}

/**
 * The ORM over DATABASE_URL, or over the embedded PostgreSQL started here when it is unset.
 * Connects lazily: the server starts even while an external database is down.
 */
export async function openDatabase(config: Config, logger: Logger): Promise<Database> {
  const embedded = config.database.url ? undefined : await startEmbeddedPostgres(config.database.embedded, logger);
  try {
    const url = config.database.url ?? embedded!.url;
    const orm = await MikroORM.init(createOrmOptions({ ...config.database, url }, logger));
    return {
      orm,
      embedded: embedded !== undefined,
      close: () => closeDatabase(orm, embedded),
      abortQueries: () => abortQueries(orm),
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

function abortQueries(orm: MikroORM): void {
  const { pool } = orm.em.getConnection().getKnex().client;
  for (const { resource } of pool.used as Array<{ resource: PooledClient }>) discard(resource, 'shutdown');
}

async function closeDatabase(orm: MikroORM, embedded?: RunningEmbeddedPostgres): Promise<void> {
  await orm.close(true);
  await embedded?.stop();
}
