import { startApp, type App } from '../../src/app';
import { loadConfig } from '../../src/config/config';
import { createLogger } from '../../src/observability/logger';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface TestApp extends App {
  db: TestDatabase;
}

/**
 * The real server, in this process, on a free port, over a fresh migrated database.
 * `env` overrides the environment the server would read (e.g. { DB_POOL_MAX: '3' }).
 */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  try {
    const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', DATABASE_URL: db.url, ...env });
    const app = await startApp(config, createLogger((process.env.TEST_LOG_LEVEL as 'silent') ?? 'silent'));
    await app.database.orm.migrator.up();
    return {
      ...app,
      db,
      stop: async () => {
        try {
          await app.stop();
        } finally {
          await db.drop();
        }
      },
    };
  } catch (error) {
    await db.drop();
    throw error;
  }
}
