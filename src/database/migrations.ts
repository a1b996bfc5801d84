import type { Logger } from '../observability/logger';
import type { Database } from './database';

/**
 * The embedded database is this process's own: its migrations are applied at start.
 * An external one (DATABASE_URL) is the developer's: pending migrations are reported clearly,
 * and applying them stays a deliberate `npm run migration:up`.
 */
export async function prepareSchema({ orm, embedded }: Database, logger: Logger): Promise<void> {
  if (embedded) {
    const applied = await orm.migrator.up();
    logger.info({ migrations: applied.map((migration) => migration.name) }, 'embedded database migrated');
    return;
  }
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
