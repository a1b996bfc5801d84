import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from '../../observability/logger';
import type { PostgresBinaries } from './binaries';
import type { OsUser } from './os-user';
import { explainFailure, explainSpawnError } from './postgres-output';

export interface PostgresProcess {
  /** Fast shutdown (SIGINT): sessions are ended, the server exits; resolves once it has. */
  stop(): Promise<void>;
}

const READY = 'database system is ready to accept connections';
const START_TIMEOUT_MS = 60_000;
/** What is kept of its output to explain a failed start. */
const KEPT_LINES = 30;

/**
 * Runs `postgres` on the data directory, listening on 127.0.0.1:`port` only (no Unix socket),
 * and resolves once it accepts connections. Its log goes to the logger at debug level.
 *
 * It runs in a process group of its own: Ctrl-C at a terminal signals the server, which stops
 * taking requests, finishes the running ones and only then stops PostgreSQL.
 */
export function runPostgres(
  binaries: PostgresBinaries,
  dataDir: string,
  port: number,
  user: OsUser | undefined,
  logger: Logger,
): Promise<PostgresProcess> {
  const args = [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=',
    '-c',
    'lc_messages=C',
  ];
  const child = spawn(binaries.postgres, args, {
    ...(user && { uid: user.uid, gid: user.gid }),
    env: { ...process.env, LC_ALL: 'C' },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const recent: string[] = [];
  const notStarted = `The embedded PostgreSQL in ${dataDir} did not start`;

  return new Promise<PostgresProcess>((ready, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(explainFailure(notStarted, `${recent.join('\n')}\nno answer within ${START_TIMEOUT_MS / 1000} s`, binaries, port));
    }, START_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      fail(explainSpawnError(error, binaries));
    });
    child.once('exit', () => {
      clearTimeout(timer);
      fail(explainFailure(notStarted, recent.join('\n'), binaries, port));
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n').filter((text) => text.trim() !== '')) {
        recent.push(line);
        logger.debug({ postgres: line.trim() }, 'embedded postgres');
        if (line.includes(READY)) {
          clearTimeout(timer);
          ready(handle(child, exited, logger));
        }
      }
      recent.splice(0, recent.length - KEPT_LINES);
    });
  });
}

function handle(child: ChildProcess, exited: Promise<void>, logger: Logger): PostgresProcess {
  let stopping = false;
  // Requests get 503 from then on; the log says why.
  void exited.then(() => {
    if (!stopping) logger.error({ code: child.exitCode, signal: child.signalCode }, 'the embedded PostgreSQL exited');
  });
  return {
    stop: async () => {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      await exited;
    },
  };
}
