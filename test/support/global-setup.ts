import { loadConfig } from '../../src/config/config';
import { startEmbeddedPostgres } from '../../src/database/embedded/embedded-postgres';
import { createLogger } from '../../src/observability/logger';

/**
 * Tests need a PostgreSQL server: TEST_DATABASE_URL when set (CI points it at the machine's
 * PostgreSQL), else an embedded one started here for the run. Every test file then creates
 * and drops databases of its own on that server (support/test-database.ts).
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) return;
  const embedded = await startEmbeddedPostgres(
    {
      defaultDataDir: '.data/test-postgres',
      port: Number(process.env.TEST_EMBEDDED_PG_PORT ?? 54330),
      systemDir: loadConfig().database.embedded.systemDir,
    },
    createLogger('warn'),
  );
  process.env.TEST_DATABASE_URL = embedded.url;
  (globalThis as { stopTestPostgres?: () => Promise<void> }).stopTestPostgres = () => embedded.stop();
}
