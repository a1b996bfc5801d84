import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Client } from 'pg';
import { waitFor } from './wait-for';
import type { TestDatabase } from './test-database';

/**
 * Disposable PostgreSQL clusters owned by a test: a primary, and hot-standby replicas fed by
 * real streaming replication (pg_basebackup -R -X stream). They run the machine's PostgreSQL 15
 * binaries, as the OS user `postgres` when we are root, in the foreground as children of the
 * test process, on free ports, listening on 127.0.0.1 only, with their data and sockets in temp
 * folders of their own. Nothing here touches the machine's shared PostgreSQL.
 *
 *   const primary = await startPrimary();
 *   const replica = await startReplica(primary);
 *   try { …; await waitForReplay(primary, replica); … } finally {
 *     await replica.destroy();
 *     await primary.destroy();
 *   }
 *
 * No orphans, whatever happens to the test process: children are started through
 * `setpriv --pdeathsig`, so the kernel signals them when the process that started them dies
 * (even by SIGKILL); a normal exit without teardown SIGKILLs them and removes their folders.
 *
 * The lower-level helpers (freePort, makeOwnedTempDir, spawnOwned, runOwned) are exported for
 * the other harnesses (support/pgbouncer.ts).
 */

export const PG_BIN = process.env.TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const HOST = '127.0.0.1';
const SETPRIV = '/usr/bin/setpriv';
const CHILD_PATH = `${PG_BIN}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`;

// ---------------------------------------------------------------------------------------------
// Ports, folders and processes owned by the test
// ---------------------------------------------------------------------------------------------

/** A TCP port on 127.0.0.1 that was free a moment ago (callers retry when they lose the race). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface UserIds {
  uid: number;
  gid: number;
}

let postgresIds: UserIds | undefined;

/** The OS user children run as: `postgres` when we are root (PostgreSQL and PgBouncer refuse root), else ourselves. */
function unprivilegedUser(): UserIds | undefined {
  if (process.getuid?.() !== 0) return undefined;
  if (!postgresIds) {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    postgresIds = { uid: id('-u'), gid: id('-g') };
  }
  return postgresIds;
}

const ownedDirs = new Set<string>();
const liveProcesses = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Last resort for a test process that exits without teardown: no process and no folder survive it. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of liveProcesses) child.kill('SIGKILL');
    for (const dir of ownedDirs) {
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch {
        // best effort: a SIGKILLed server may still be going away
      }
    }
  });
}

const DIR_PREFIX = 'harness-';
const OWNER_FILE = '.owner-pid';
let swept: Promise<void> | undefined;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the folders of harnesses whose test process died by SIGKILL (their children died with
 * it, through pdeathsig, but nothing could remove the folders): those whose owner pid is gone.
 * Folders of other live test processes (parallel jest workers) are left alone.
 */
async function sweepStaleDirs(): Promise<void> {
  const entries = await readdir(tmpdir()).catch(() => [] as string[]);
  for (const entry of entries) {
    if (!entry.startsWith(DIR_PREFIX)) continue;
    const dir = join(tmpdir(), entry);
    const owner = Number.parseInt(await readFile(join(dir, OWNER_FILE), 'utf8').catch(() => ''), 10);
    if (Number.isInteger(owner) && owner !== process.pid && !isAlive(owner)) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * A fresh temp folder (mode 0700, named `harness-<prefix>…`) owned by the unprivileged user, for
 * a child's data, sockets and config. Remove it with removeOwnedTempDir (the process exit hook
 * removes any left; the first call of a later test process removes those of a killed one).
 */
export async function makeOwnedTempDir(prefix: string): Promise<string> {
  installExitHook();
  await (swept ??= sweepStaleDirs());
  const dir = await mkdtemp(join(tmpdir(), `${DIR_PREFIX}${prefix}`));
  ownedDirs.add(dir);
  await writeFile(join(dir, OWNER_FILE), String(process.pid));
  await chmod(dir, 0o700);
  const ids = unprivilegedUser();
  if (ids) await chown(dir, ids.uid, ids.gid);
  return dir;
}

/** A folder inside an owned temp dir, owned by the unprivileged user too. */
export async function makeOwnedSubdir(dir: string, mode = 0o700): Promise<string> {
  await mkdir(dir, { mode });
  await chmod(dir, mode);
  const ids = unprivilegedUser();
  if (ids) await chown(dir, ids.uid, ids.gid);
  return dir;
}

/** Writes a file the unprivileged user owns and can read. */
export async function writeOwnedFile(path: string, content: string, mode = 0o600): Promise<void> {
  await writeFile(path, content, { mode });
  const ids = unprivilegedUser();
  if (ids) await chown(path, ids.uid, ids.gid);
}

export async function removeOwnedTempDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  ownedDirs.delete(dir);
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child process of the test, running as the unprivileged user. */
export interface OwnedProcess {
  readonly pid: number;
  /** Settles (never rejects) once the process has exited and been reaped. */
  readonly exited: Promise<ExitStatus>;
  hasExited(): boolean;
  /** Its stdout and stderr so far (the last 256 kB). */
  output(): string;
  /**
   * Resolves once the output matches `pattern`; rejects, with the output, when the process exits
   * first or `timeoutMs` passes. Event-driven: no polling.
   */
  waitForOutput(pattern: RegExp, what: string, timeoutMs: number): Promise<void>;
  /** Sends `signal`, SIGKILL after `graceMs` if it is still there, and resolves once it has exited. */
  stop(signal: NodeJS.Signals, graceMs?: number): Promise<ExitStatus>;
}

const OUTPUT_LIMIT = 256 * 1024;

/**
 * Spawns `command` in the foreground as a child of this process, as the unprivileged user, with
 * a clean environment (no PG* variables of the caller leak in). `deathSignal` is what the kernel
 * sends it if this process dies without stopping it (setpriv --pdeathsig, set after the switch
 * of user, so it survives it).
 */
export function spawnOwned(command: string, args: string[], deathSignal: NodeJS.Signals = 'SIGKILL'): OwnedProcess {
  installExitHook();
  const ids = unprivilegedUser();
  const env = { PATH: CHILD_PATH, LANG: 'C', LC_ALL: 'C', ...(process.env.TZ && { TZ: process.env.TZ }) };
  let child: ChildProcess;
  if (existsSync(SETPRIV)) {
    const user = ids ? [`--reuid=${ids.uid}`, `--regid=${ids.gid}`, '--clear-groups'] : [];
    // setpriv execs the command: the child's pid is the command's own (signals reach it directly).
    child = spawn(SETPRIV, [...user, `--pdeathsig=${deathSignal.replace(/^SIG/, '')}`, '--', command, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } else {
    child = spawn(command, args, { ...ids, env, stdio: ['ignore', 'pipe', 'pipe'] });
  }
  liveProcesses.add(child);

  let output = '';
  let exitStatus: ExitStatus | undefined;
  const listeners = new Set<() => void>();
  const onOutput = (chunk: string) => {
    output += chunk;
    if (output.length > OUTPUT_LIMIT) output = output.slice(-OUTPUT_LIMIT);
    for (const listener of listeners) listener();
  };
  // Always drain both pipes: a child blocked on a full stderr pipe would hang.
  child.stdout!.setEncoding('utf8').on('data', onOutput);
  child.stderr!.setEncoding('utf8').on('data', onOutput);

  const exited = new Promise<ExitStatus>((resolve) => {
    const done = (status: ExitStatus) => {
      if (exitStatus) return;
      exitStatus = status;
      liveProcesses.delete(child);
      for (const listener of listeners) listener();
      resolve(status);
    };
    // 'close' (pipes drained, so output() is complete) follows 'exit' unless a grandchild that
    // outlived it still holds the pipes (the orphaned backends of a SIGKILLed postmaster): wait
    // for it, but only so long.
    const closed = new Promise<void>((drained) => child.once('close', () => drained()));
    child.once('exit', (code, signal) => {
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((later) => (timer = setTimeout(later, 2_000)));
      void Promise.race([closed, bound]).then(() => {
        clearTimeout(timer);
        done({ code, signal });
      });
    });
    child.once('error', (error) => {
      onOutput(`\nspawn ${command} failed: ${error.message}\n`);
      done({ code: null, signal: null });
    });
  });

  return {
    pid: child.pid ?? -1,
    exited,
    hasExited: () => exitStatus !== undefined,
    output: () => output,

    waitForOutput(pattern, what, timeoutMs) {
      return new Promise<void>((resolve, reject) => {
        const finish = (error?: Error) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (error) reject(error);
          else resolve();
        };
        const check = () => {
          if (pattern.test(output)) finish();
          else if (exitStatus) finish(new Error(`${command} exited (${describeExit(exitStatus)}) before ${what}:\n${output}`));
        };
        const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${what}:\n${output}`)), timeoutMs);
        listeners.add(check);
        check();
      });
    },

    async stop(signal, graceMs = 10_000) {
      if (exitStatus) return exitStatus;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function describeExit(status: ExitStatus): string {
  return status.signal ? `signal ${status.signal}` : `code ${status.code}`;
}

/** Runs a command to completion as the unprivileged user; rejects with its output unless it exits 0. */
export async function runOwned(command: string, args: string[], timeoutMs = 60_000): Promise<string> {
  const child = spawnOwned(command, args, 'SIGKILL');
  const timer = setTimeout(() => void child.stop('SIGKILL'), timeoutMs);
  try {
    const status = await child.exited;
    if (status.code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${describeExit(status)}):\n${child.output()}`);
    return child.output();
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// Clusters
// ---------------------------------------------------------------------------------------------

export interface PostgresCluster {
  readonly role: 'primary' | 'replica';
  readonly host: '127.0.0.1';
  /** Fixed for the cluster's life: start() after stop() listens on it again. */
  readonly port: number;
  readonly dataDir: string;
  /** Where its Unix socket lives (-k); TCP is the way in for tests. */
  readonly socketDir: string;
  /** Its cluster_name, unique: every one of its processes carries it in its title ("postgres: <name>: …"). */
  readonly name: string;
  /** postgresql://postgres@127.0.0.1:<port>/<database> (database defaults to `postgres`). */
  url(database?: string): string;
  /** One query on a short-lived connection of its own (user postgres). */
  query<Row extends object = Record<string, unknown>>(sql: string, params?: unknown[], database?: string): Promise<Row[]>;
  /** The postmaster's pid while it runs. */
  pid(): number | undefined;
  isRunning(): boolean;
  /** Pids of every live process of this cluster (postmaster and children), read from /proc. */
  processes(): Promise<number[]>;
  /** The server's log (its stderr) since the last start. */
  log(): string;
  /**
   * Fast shutdown (SIGINT: sessions are terminated, a shutdown checkpoint is written), SIGKILL
   * after a grace period; resolves once the postmaster exited (it waits for its children first).
   * Idempotent.
   */
  stop(): Promise<void>;
  /**
   * A crash: SIGKILL the postmaster, then wait (bounded) until its orphaned children noticed and
   * exited too. The next start() runs crash recovery.
   */
  kill(): Promise<void>;
  /** Starts it again, same data dir and port; resolves once it accepts connections. */
  start(): Promise<void>;
  /** stop() and remove its folders. Idempotent; the cluster is unusable afterwards. */
  destroy(): Promise<void>;
}

export interface ReplicaCluster extends PostgresCluster {
  readonly role: 'replica';
  readonly primary: PostgresCluster;
  /** pg_wal_replay_pause(), resolving once replay has really paused: received WAL is then not applied. */
  pauseReplay(): Promise<void>;
  resumeReplay(): Promise<void>;
}

export interface ClusterOptions {
  /** Extra postgresql.conf settings (a replica inherits its primary's through pg_basebackup). */
  settings?: Record<string, string | number | boolean>;
  /** How long a start may take before it fails. Default 30 s. */
  startTimeoutMs?: number;
}

const READY = /database system is ready to accept (read-only )?connections/;
const PORT_TAKEN = /could not bind IPv4 address "127\.0\.0\.1": Address already in use/;

/** Every setting a primary needs for streaming replication, plus what makes a test cluster fast. */
const BASE_SETTINGS: Record<string, string | number | boolean> = {
  listen_addresses: HOST,
  wal_level: 'replica',
  max_wal_senders: 10,
  max_replication_slots: 10,
  // A replica stopped for a while can catch up from the primary's pg_wal without a slot.
  wal_keep_size: '256MB',
  hot_standby: true,
  // Throw-away clusters: durability against OS crashes buys nothing, speed does. (A killed
  // postmaster still recovers: the kernel keeps what was written; full_page_writes stays on.)
  fsync: false,
  shared_buffers: '32MB',
  max_connections: 100,
  lc_messages: 'C',
  logging_collector: false,
  log_destination: 'stderr',
  // A standby reports progress often and reconnects quickly to a restarted primary (default 5 s).
  wal_receiver_status_interval: '1s',
  wal_retrieve_retry_interval: '100ms',
};

const HBA = [
  '# written by test/support/postgres-cluster.ts: a local test cluster, trust on loopback only',
  'local all         all                 trust',
  'local replication all                 trust',
  'host  all         all   127.0.0.1/32  trust',
  'host  replication all   127.0.0.1/32  trust',
  '',
].join('\n');

function renderSettings(settings: Record<string, string | number | boolean>): string {
  const quote = (value: string | number | boolean) =>
    typeof value === 'boolean' ? (value ? 'on' : 'off') : typeof value === 'number' ? String(value) : `'${value.replace(/'/g, "''")}'`;
  return Object.entries(settings)
    .map(([name, value]) => `${name} = ${quote(value)}`)
    .join('\n');
}

async function appendSettings(dataDir: string, settings: Record<string, string | number | boolean>): Promise<void> {
  const conf = join(dataDir, 'postgresql.conf');
  // Appended, so these win over what is above them.
  await writeOwnedFile(conf, `${await readFile(conf, 'utf8')}\n# test/support/postgres-cluster.ts\n${renderSettings(settings)}\n`);
}

/** Where a cluster lives: everything under `root`, a temp folder of its own. */
interface Layout {
  root: string;
  dataDir: string;
  socketDir: string;
  /** cluster_name: the temp folder's name, unique on the machine. */
  name: string;
}

async function makeLayout(prefix: string): Promise<Layout> {
  if (!existsSync(join(PG_BIN, 'postgres'))) throw new Error(`no PostgreSQL binaries in ${PG_BIN} (set TEST_PG_BIN)`);
  const root = await makeOwnedTempDir(prefix);
  try {
    return { root, dataDir: join(root, 'data'), socketDir: await makeOwnedSubdir(join(root, 'socket')), name: basename(root) };
  } catch (error) {
    await removeOwnedTempDir(root);
    throw error;
  }
}

class PortTakenError extends Error {}

/** Starts the postmaster in the foreground and resolves once it accepts connections. */
async function launchPostmaster(layout: Layout, port: number, timeoutMs: number): Promise<OwnedProcess> {
  const postmaster = spawnOwned(
    join(PG_BIN, 'postgres'),
    ['-D', layout.dataDir, '-p', String(port), '-k', layout.socketDir, '-c', `listen_addresses=${HOST}`, '-c', `cluster_name=${layout.name}`],
    // If the test process dies without stopping it: fast shutdown.
    'SIGINT',
  );
  try {
    await postmaster.waitForOutput(READY, `PostgreSQL on port ${port} to accept connections`, timeoutMs);
    return postmaster;
  } catch (error) {
    await postmaster.stop('SIGKILL');
    if (PORT_TAKEN.test(postmaster.output())) throw new PortTakenError(`port ${port} is taken by another process:\n${postmaster.output()}`);
    throw error;
  }
}

/** Tries free ports until one binds: freePort() can lose a race with another process. */
async function launchOnFreePort(layout: Layout, timeoutMs: number): Promise<{ postmaster: OwnedProcess; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return { postmaster: await launchPostmaster(layout, port, timeoutMs), port };
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt >= 5) throw error;
    }
  }
}

/** Live (not zombie) processes of cluster `name`: the postmaster by its arguments, the others by their titles. */
async function processesOf(name: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (!cmdline.startsWith(`postgres: ${name}: `) && !cmdline.split('\0').includes(`cluster_name=${name}`)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    if (state && state !== 'Z') pids.push(Number(entry));
  }
  return pids;
}

async function queryOn<Row extends object>(port: number, database: string, sql: string, params?: unknown[]): Promise<Row[]> {
  const client = new Client({ host: HOST, port, user: 'postgres', database, application_name: 'test-harness', connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return (await client.query<Row>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

function makeCluster(role: 'primary' | 'replica', layout: Layout, port: number, first: OwnedProcess, timeoutMs: number): PostgresCluster {
  let postmaster: OwnedProcess = first;
  let starting: Promise<void> | undefined;
  let destroyed = false;

  const settle = async () => {
    await starting?.catch(() => undefined);
  };
  const stop = async () => {
    await settle();
    await postmaster.stop('SIGINT');
  };

  return {
    role,
    host: HOST,
    port,
    dataDir: layout.dataDir,
    socketDir: layout.socketDir,
    name: layout.name,
    url: (database = 'postgres') => `postgresql://postgres@${HOST}:${port}/${database}`,
    query: (sql, params, database = 'postgres') => queryOn(port, database, sql, params),
    pid: () => (postmaster.hasExited() ? undefined : postmaster.pid),
    isRunning: () => !postmaster.hasExited(),
    processes: () => processesOf(layout.name),
    log: () => postmaster.output(),
    stop,
    async kill() {
      await settle();
      await postmaster.stop('SIGKILL');
      // Its children are orphans now; each exits as soon as it sees the postmaster gone.
      await waitFor(async () => (await processesOf(layout.name)).length === 0, `the processes of ${layout.name} to exit after its postmaster was killed`).catch(
        async (error) => {
          for (const pid of await processesOf(layout.name)) {
            try {
              process.kill(pid, 'SIGKILL');
            } catch {
              // gone meanwhile
            }
          }
          throw error;
        },
      );
    },
    async start() {
      if (destroyed) throw new Error(`the ${role} ${layout.name} was destroyed`);
      await settle();
      if (!postmaster.hasExited()) throw new Error(`the ${role} ${layout.name} is already running`);
      starting = launchPostmaster(layout, port, timeoutMs).then((started) => {
        postmaster = started;
      });
      try {
        await starting;
      } finally {
        starting = undefined;
      }
    },
    async destroy() {
      if (destroyed) return;
      destroyed = true;
      try {
        await stop();
      } finally {
        await removeOwnedTempDir(layout.root);
      }
    },
  };
}

/**
 * A fresh primary: initdb (trust auth, UTF8, C locale) in a temp folder, settings for streaming
 * replication and hot standbys, pg_hba trusting 127.0.0.1 for connections and replication, a
 * free port. Resolves once it accepts connections (~0.5–1.5 s).
 */
export async function startPrimary(options: ClusterOptions = {}): Promise<PostgresCluster> {
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const layout = await makeLayout('pg-primary-');
  try {
    await runOwned(join(PG_BIN, 'initdb'), [
      '--pgdata',
      layout.dataDir,
      '--username=postgres',
      '--auth=trust',
      '--encoding=UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ]);
    await appendSettings(layout.dataDir, { ...BASE_SETTINGS, ...options.settings });
    await writeOwnedFile(join(layout.dataDir, 'pg_hba.conf'), HBA);
    const { postmaster, port } = await launchOnFreePort(layout, timeoutMs);
    return makeCluster('primary', layout, port, postmaster, timeoutMs);
  } catch (error) {
    await removeOwnedTempDir(layout.root);
    throw error;
  }
}

/**
 * A hot standby of `primary`: `pg_basebackup -R -X stream` (a fast checkpoint, WAL streamed
 * during the copy, standby.signal and primary_conninfo written) into a temp folder, then started
 * on a free port. It inherits the primary's postgresql.conf and pg_hba.conf. Resolves once it
 * accepts read-only connections (~0.1–1 s). The primary must be running.
 */
export async function startReplica(primary: PostgresCluster, options: ClusterOptions = {}): Promise<ReplicaCluster> {
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const layout = await makeLayout('pg-replica-');
  try {
    await runOwned(join(PG_BIN, 'pg_basebackup'), [
      // application_name makes it recognisable in the primary's pg_stat_replication.
      `--dbname=host=${HOST} port=${primary.port} user=postgres application_name=${layout.name}`,
      '--no-password',
      '--pgdata',
      layout.dataDir,
      '--write-recovery-conf',
      '--wal-method=stream',
      '--checkpoint=fast',
      '--no-sync',
    ]);
    if (options.settings) await appendSettings(layout.dataDir, options.settings);
    const { postmaster, port } = await launchOnFreePort(layout, timeoutMs);
    const cluster = makeCluster('replica', layout, port, postmaster, timeoutMs);
    return {
      ...cluster,
      role: 'replica',
      primary,
      async pauseReplay() {
        await cluster.query('select pg_wal_replay_pause()');
        await waitFor(
          async () => (await cluster.query<{ state: string }>('select pg_get_wal_replay_pause_state() as state'))[0].state === 'paused',
          `replay to pause on ${layout.name}`,
        );
      },
      async resumeReplay() {
        await cluster.query('select pg_wal_replay_resume()');
      },
    };
  } catch (error) {
    await removeOwnedTempDir(layout.root);
    throw error;
  }
}

export interface ReplicaLag {
  /** pg_current_wal_lsn() on the primary. */
  primaryLsn: string;
  /** pg_last_wal_receive_lsn() on the replica: WAL it has received. */
  receiveLsn: string | null;
  /** pg_last_wal_replay_lsn() on the replica: WAL it has applied (what its queries see). */
  replayLsn: string | null;
  /** Bytes of WAL the replica has not applied yet (0 once caught up). */
  bytes: number;
  /**
   * now() − pg_last_xact_replay_timestamp() on the replica, in ms: the age of the last replayed
   * commit. Only a lag while the primary keeps committing: on an idle primary it just grows.
   * null before the replica has replayed any commit.
   */
  lastReplayedCommitAgeMs: number | null;
}

/** How far `replica` is behind `primary` right now. Both must be running. */
export async function measureReplicaLag(primary: PostgresCluster, replica: PostgresCluster): Promise<ReplicaLag> {
  const [{ lsn: primaryLsn }] = await primary.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn');
  const [row] = await replica.query<{ receive: string | null; replay: string | null; bytes: string | null; age_ms: number | null }>(
    `select pg_last_wal_receive_lsn()::text as receive,
            pg_last_wal_replay_lsn()::text as replay,
            greatest(pg_wal_lsn_diff($1::pg_lsn, pg_last_wal_replay_lsn()), 0)::text as bytes,
            (extract(epoch from now() - pg_last_xact_replay_timestamp()) * 1000)::float8 as age_ms`,
    [primaryLsn],
  );
  return {
    primaryLsn,
    receiveLsn: row.receive,
    replayLsn: row.replay,
    bytes: row.bytes === null ? Number.NaN : Number(row.bytes),
    lastReplayedCommitAgeMs: row.age_ms,
  };
}

/**
 * Resolves once `replica` has replayed everything the primary had written when this was called
 * (its pg_current_wal_lsn()), so whatever was committed before is visible on the replica. Polls
 * one connection to the replica; fails after `timeoutMs` (saying how far it got) instead of
 * hanging. Returns the LSN waited for.
 */
export async function waitForReplay(primary: PostgresCluster, replica: PostgresCluster, timeoutMs = 10_000): Promise<string> {
  const [{ lsn }] = await primary.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn');
  const client = new Client({ connectionString: replica.url(), application_name: 'test-harness', connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined); // the replica stopping under us surfaces through the query
  await client.connect();
  try {
    await waitFor(
      async () => (await client.query<{ done: boolean | null }>('select pg_last_wal_replay_lsn() >= $1::pg_lsn as done', [lsn])).rows[0].done === true,
      `the replica ${replica.name} to replay up to ${lsn}`,
      timeoutMs,
    ).catch(async (error: Error) => {
      const replayed = await client.query<{ lsn: string | null }>('select pg_last_wal_replay_lsn()::text as lsn').catch(() => undefined);
      throw new Error(`${error.message} (replayed up to ${replayed?.rows[0].lsn ?? 'unknown'})`);
    });
    return lsn;
  } finally {
    await client.end();
  }
}

/**
 * A database on a test-owned cluster, shaped like the shared server's test databases (trust
 * auth, so PgBouncer and the server reach it without a password). Gone with the cluster.
 */
export async function createClusterDatabase(cluster: PostgresCluster, name: string): Promise<TestDatabase> {
  await cluster.query(`create database ${name}`);
  return { name, url: cluster.url(name), query: (sql, params) => cluster.query(sql, params, name), drop: async () => {} };
}
