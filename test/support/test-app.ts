import type { LevelWithSilent } from 'pino';
import { startApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import { createLogger } from '../../src/observability/logger';
import { createTestDatabase, routedThrough, type TestDatabase } from './test-database';
import type { TcpProxy } from './tcp-proxy';

export interface TestApp extends App {
  db: TestDatabase;
}

export interface TestAppOptions {
  /** Reach the database through this proxy, so the test can break the network. */
  proxy?: TcpProxy;
  /** An existing (already migrated) database instead of a fresh one; the caller drops it. */
  db?: TestDatabase;
  /** Receives the server's log lines (JSON, level info and up) instead of silence. */
  logLines?: string[];
}

/**
 * The real server, in this process, on a free port, over a migrated database (a fresh one
 * unless given). `env` overrides the environment the server would read (e.g. { DB_POOL_MAX: '3' }).
 */
export async function startTestApp(env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const db = options.db ?? (await createTestDatabase());
  const ownsDatabase = !options.db;
  const dropOwnDatabase = () => (ownsDatabase ? db.drop() : Promise.resolve());
  try {
    const url = options.proxy ? routedThrough(db.url, options.proxy) : db.url;
    const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', DATABASE_URL: url, ...env });
    const logger = options.logLines
      ? createLogger('info', { destination: { write: (line: string) => void options.logLines!.push(line) } })
      : createLogger((process.env.TEST_LOG_LEVEL ?? 'silent') as LevelWithSilent);
    const app = await startApp(config, logger);
    if (ownsDatabase) await app.database.orm.migrator.up();
    return {
      ...app,
      db,
      stop: async () => {
        try {
          await app.stop();
        } finally {
          await dropOwnDatabase();
        }
      },
    };
  } catch (error) {
    await dropOwnDatabase();
    throw error;
  }
}

/** Applies the migrations to `db` with a server started for that alone (keeping no idle connection), then stopped. */
export async function migrateDatabase(db: TestDatabase): Promise<void> {
  const migrator = await startTestApp({ DB_POOL_MIN: '0' }, { db });
  try {
    await migrator.database.orm.migrator.up();
  } finally {
    await migrator.stop();
  }
}
