import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { Client } from 'pg';
import type { Logger } from '../../observability/logger';
import { StartupError } from '../../startup-error';
import { postgresBinaries } from './binaries';
import { DEFAULT_DATA_DIR, embeddedDataDir, initialiseDataDir, isInitialised, type DataDirectoryOptions } from './data-directory';
import { clearLeftoverServer } from './leftover-server';
import { postgresOsUser } from './os-user';
import { runPostgres } from './postgres-process';

const SUPERUSER = { name: 'postgres', password: 'postgres' }; // only reachable from this machine: it listens on 127.0.0.1
const EMBEDDED_DATABASE_NAME = 'interview_sessions';

export interface EmbeddedPostgresOptions extends DataDirectoryOptions {
  port: number;
}

export interface RunningEmbeddedPostgres {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

export function embeddedDatabaseUrl({ port }: Pick<EmbeddedPostgresOptions, 'port'>): string {
  return `postgresql://${SUPERUSER.name}:${SUPERUSER.password}@127.0.0.1:${port}/${EMBEDDED_DATABASE_NAME}`;
}

/**
 * Starts the zero-configuration database: a real PostgreSQL (binaries from npm) on its data
 * directory, initialised on first use, with the application database created. Every failure a
 * user can cause (a port in use, a data directory in use, unreachable, not empty, a full disk,
 * binaries that cannot run) is a StartupError that says what to change.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions, logger: Logger): Promise<RunningEmbeddedPostgres> {
  const user = postgresOsUser();
  const binaries = await postgresBinaries(user, options.systemDir);
  const dataDir = embeddedDataDir(options, user);
  if (user && binaries.copied)
    logger.info({ binaries: binaries.dir }, `PostgreSQL binaries run from a copy the OS user ${user.name} can reach`);
  if (user && options.dataDir === undefined && dataDir !== resolve(options.defaultDataDir ?? DEFAULT_DATA_DIR)) {
    logger.info(
      { dataDir },
      `the OS user ${user.name} cannot reach the default data directory inside this folder: the data lives in ${dataDir}`,
    );
  }

  if (!isInitialised(dataDir)) {
    logger.info({ dataDir }, 'initialising the embedded PostgreSQL data directory');
    await initialiseDataDir(binaries, dataDir, user, SUPERUSER);
  }
  await clearLeftoverServer(dataDir, logger);
  await assertPortFree(options.port);

  const postgres = await runPostgres(binaries, dataDir, options.port, user, logger);
  logger.info({ dataDir, port: options.port }, 'embedded PostgreSQL started');
  // A process that ends without stopping it (an uncaught error) still stops it: the signal is
  // sent synchronously, as the 'exit' event requires.
  const stopOnExit = () => void postgres.stop();
  process.once('exit', stopOnExit);
  const stop = async () => {
    process.removeListener('exit', stopOnExit);
    await postgres.stop();
  };

  const url = embeddedDatabaseUrl(options);
  try {
    await ensureDatabase(url);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    dataDir,
    stop: async () => {
      await stop();
      logger.info('embedded PostgreSQL stopped');
    },
  };
}

async function assertPortFree(port: number): Promise<void> {
  const probe = createServer();
  await new Promise<void>((resolvePort, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new StartupError(
          error.code === 'EADDRINUSE'
            ? `EMBEDDED_PG_PORT ${port} is already in use by another program. Set EMBEDDED_PG_PORT to a free port, or DATABASE_URL to use an existing PostgreSQL.`
            : `EMBEDDED_PG_PORT ${port} cannot be used: ${error.message}`,
        ),
      ),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolvePort()));
  });
}

async function ensureDatabase(url: string): Promise<void> {
  const admin = new Client({ connectionString: url.replace(/\/[^/]+$/, '/postgres') });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [EMBEDDED_DATABASE_NAME]);
    if (!rowCount) await admin.query(`create database ${EMBEDDED_DATABASE_NAME}`);
  } finally {
    await admin.end();
  }
}
