import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../observability/logger';
import { checkDatabase } from './database-health';
import type { Database } from './database';

export interface StartUpOptions {
  poolMin: number;
  poolMax: number;
  expectedInstances: number;
}

/**
 * What the server does with its database before it listens. None of it stops the start: a
 * database that is down or misconfigured is reported in one line (the same reason
 * /health/ready gives), requests get 503 meanwhile, and they are served once it is fixed.
 *
 * The embedded database is this process's own: its migrations are applied here. An external one
 * (DATABASE_URL) is the developer's: pending migrations are reported, and applying them stays a
 * deliberate `npm run migration:up`.
 */
export async function prepareDatabase(database: Database, options: StartUpOptions, logger: Logger): Promise<void> {
  const { orm, pool, embedded } = database;
  if (embedded) {
    const applied = await orm.migrator.up();
    logger.info({ migrations: applied.map((migration) => migration.name) }, 'embedded database migrated');
  }
  const health = await checkDatabase(orm);
  if (health.status === 'unavailable' && !health.answered) {
    if (health.kind === 'misconfigured') logger.error({ reason: health.reason }, `database misconfigured: ${health.reason}`);
    else logger.warn({ reason: health.reason }, 'the database is not reachable yet: requests get 503 until it is');
    return;
  }
  // Tables missing: the pending migrations say which command to run; if none is pending, the reason does.
  const pending = embedded ? 0 : await reportPendingMigrations(orm, logger);
  if (health.status === 'unavailable' && pending === 0) logger.error({ reason: health.reason }, `database misconfigured: ${health.reason}`);
  await pool.warmUp(options.poolMin, logger);
  await pool.checkBudget(options, logger);
}

/**
 * How many migrations are pending (each one logged), 0 when that cannot be told. An error: this
 * version of the server expects the schema they make (a table, a column), and requests that need
 * it fail until they are applied.
 */
async function reportPendingMigrations(orm: MikroORM, logger: Logger): Promise<number> {
  try {
    const pending = await orm.migrator.getPendingMigrations();
    if (pending.length > 0) {
      logger.error(
        { pending: pending.map((migration) => migration.name) },
        `${pending.length} database migration(s) pending: run \`npm run migration:up\``,
      );
    }
    return pending.length;
  } catch (error) {
    logger.warn({ err: error }, 'could not check for pending migrations');
    return 0;
  }
}
