import { loadConfig } from '../../src/config/config';
import { startEmbeddedPostgres, type RunningEmbeddedPostgres } from '../../src/database/embedded/embedded-postgres';
import { createLogger } from '../../src/observability/logger';
import { PortTakenError, startFailure, startOnFreePort } from './ports';

/**
 * The test PostgreSQL's port when TEST_EMBEDDED_PG_PORT is unset. It lies inside Linux's
 * ephemeral port range (32768–60999), so any outgoing connection may hold it for a while: then
 * the run takes a free port instead, and says which.
 */
const DEFAULT_PORT = 54330;

/**
 * Tests need a PostgreSQL server: TEST_DATABASE_URL when set (CI points it at the machine's
 * PostgreSQL), else an embedded one started here for the run. Every test file then creates
 * and drops databases of its own on that server (support/test-database.ts).
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) return;
  const requested = process.env.TEST_EMBEDDED_PG_PORT;
  const embedded = requested ? await startOnRequestedPort(Number(requested)) : await startOnDefaultOrFreePort();
  process.env.TEST_DATABASE_URL = embedded.url;
  (globalThis as { stopTestPostgres?: () => Promise<void> }).stopTestPostgres = () => embedded.stop();
}

/** Starts the test PostgreSQL on `port`; PortTakenError when another program holds the port. */
function startOrPortTaken(port: number): Promise<RunningEmbeddedPostgres> {
  return startEmbeddedPostgres(
    { defaultDataDir: '.data/test-postgres', port, systemDir: loadConfig().database.embedded.systemDir },
    createLogger('warn'),
  ).catch((error: unknown) => {
    throw startFailure(error, port, error instanceof Error ? error.message : '');
  });
}

/** A port asked for is that port, or a failure that says so: never another one. */
async function startOnRequestedPort(port: number): Promise<RunningEmbeddedPostgres> {
  try {
    return await startOrPortTaken(port);
  } catch (error) {
    if (!(error instanceof PortTakenError)) throw error;
    throw new Error(
      `TEST_EMBEDDED_PG_PORT ${port} is taken by another program: choose another port, or unset it and the run takes a free one.`,
      { cause: error },
    );
  }
}

/** On DEFAULT_PORT when it is free, else on a free port. */
async function startOnDefaultOrFreePort(): Promise<RunningEmbeddedPostgres> {
  try {
    return await startOrPortTaken(DEFAULT_PORT);
  } catch (error) {
    if (!(error instanceof PortTakenError)) throw error;
  }
  const embedded = await startOnFreePort(startOrPortTaken);
  console.warn(
    `Port ${DEFAULT_PORT} is taken: the test PostgreSQL listens on ${new URL(embedded.url).port} (TEST_EMBEDDED_PG_PORT chooses one).`,
  );
  return embedded;
}
