import { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config/config';
import type { Logger } from '../observability/logger';
import { startEmbeddedPostgres, type RunningEmbeddedPostgres } from './embedded-postgres';
import { createOrmOptions } from './orm-options';
import { warmUpPool } from './pool-warm-up';

export interface Database {
  orm: MikroORM;
  /** Closes the pool, then stops the embedded PostgreSQL if this process started it. */
  close(): Promise<void>;
}

/**
 * With DATABASE_URL: connects lazily (the server starts even while that database is down) and
 * says clearly when migrations are pending — applying them is the developer's call.
 * Without: starts the embedded PostgreSQL and applies the migrations itself.
 */
export async function openDatabase(config: Config, logger: Logger): Promise<Database> {
  const embedded = config.database.url ? undefined : await startEmbeddedPostgres(config.database.embedded, logger);
  try {
    const url = config.database.url ?? embedded!.url;
    const orm = await MikroORM.init(createOrmOptions({ ...config.database, url }, logger));
    if (embedded) {
      const applied = await orm.migrator.up();
      logger.info({ migrations: applied.map((migration) => migration.name) }, 'embedded database migrated');
    } else {
      await reportPendingMigrations(orm, logger);
    }
    await warmUpPool(orm, config.database.pool.min, logger);
    return { orm, close: () => closeDatabase(orm, embedded) };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

async function reportPendingMigrations(orm: MikroORM, logger: Logger): Promise<void> {
  try {
    const pending = await orm.migrator.getPendingMigrations();
    if (pending.length > 0) {
      logger.warn(
        { pending: pending.map((migration) => migration.name) },
        `${pending.length} database migration(s) pending: run \`npm run migration:up\``,
      );
    }
  } catch (error) {
    logger.warn({ err: error }, 'could not check for pending migrations: the database is not reachable yet');
  }
}

async function closeDatabase(orm: MikroORM, embedded?: RunningEmbeddedPostgres): Promise<void> {
  await orm.close(true);
  await embedded?.stop();
}
