import { onlyRow } from '../../src/database/only-row';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Client } from 'pg';
import { runOwned, spawnOwned, type OwnedProcess } from './owned-processes';
import { startFailure, startOnFreePort } from './ports';
import { findProcesses, signalIfAlive } from './process-table';
import { makeOwnedSubdir, makeOwnedTempDir, removeOwnedTempDir, writeOwnedFile } from './temp-folders';
import { waitFor } from './wait-for';

/**
 * Disposable PostgreSQL clusters owned by a test: a primary, and hot-standby replicas fed by
 * real streaming replication (pg_basebackup -R -X stream). They run the machine's PostgreSQL 15
 * binaries, as the OS user `postgres` when we are root, in the foreground as children of the
 * test process (support/owned-processes.ts: none outlives it), on free ports, listening on
 * 127.0.0.1 only, with their data and sockets in temp folders of their own. Nothing here
 * touches the machine's shared PostgreSQL.
 *
 *   const primary = await startPrimary();
 *   const replica = await startReplica(primary);
 *   try { …; await waitForReplay(primary, replica); … } finally {
 *     await replica.destroy();
 *     await primary.destroy();
 *   }
 */

const PG_BIN = process.env.TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const HOST = '127.0.0.1';

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
  readonly url: (database?: string) => string;
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

/** Starts the postmaster in the foreground and resolves once it accepts connections. */
async function launchPostmaster(layout: Layout, port: number, timeoutMs: number): Promise<OwnedProcess> {
  const postmaster = spawnOwned(
    join(PG_BIN, 'postgres'),
    [
      '-D',
      layout.dataDir,
      '-p',
      String(port),
      '-k',
      layout.socketDir,
      '-c',
      `listen_addresses=${HOST}`,
      '-c',
      `cluster_name=${layout.name}`,
    ],
    // If the test process dies without stopping it: fast shutdown.
    'SIGINT',
  );
  try {
    await postmaster.waitForOutput(READY, `PostgreSQL on port ${port} to accept connections`, timeoutMs);
    return postmaster;
  } catch (error) {
    await postmaster.stop('SIGKILL');
    throw startFailure(error, port, postmaster.output());
  }
}

/** The postmaster on a free port, trying another while the chosen one is taken. */
function launchOnFreePort(layout: Layout, timeoutMs: number): Promise<{ postmaster: OwnedProcess; port: number }> {
  return startOnFreePort(async (port) => ({ postmaster: await launchPostmaster(layout, port, timeoutMs), port }));
}

/** Live processes of cluster `name`: the postmaster by its arguments, the others by their titles. */
function processesOf(name: string): Promise<number[]> {
  return findProcesses((argv) => argv[0]!.startsWith(`postgres: ${name}: `) || argv.includes(`cluster_name=${name}`));
}

async function queryOn<Row extends object>(port: number, database: string, sql: string, params?: unknown[]): Promise<Row[]> {
  const client = new Client({
    host: HOST,
    port,
    user: 'postgres',
    database,
    application_name: 'test-harness',
    connectionTimeoutMillis: 5_000,
  });
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
      await waitFor(
        async () => (await processesOf(layout.name)).length === 0,
        `the processes of ${layout.name} to exit after its postmaster was killed`,
      ).catch(async (error: unknown) => {
        for (const pid of await processesOf(layout.name)) signalIfAlive(pid, 'SIGKILL');
        throw error;
      });
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
          async () => onlyRow(await cluster.query<{ state: string }>('select pg_get_wal_replay_pause_state() as state')).state === 'paused',
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
  const { lsn: primaryLsn } = onlyRow(await primary.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn'));
  const row = onlyRow(
    await replica.query<{ receive: string | null; replay: string | null; bytes: string | null; age_ms: number | null }>(
      `select pg_last_wal_receive_lsn()::text as receive,
            pg_last_wal_replay_lsn()::text as replay,
            greatest(pg_wal_lsn_diff($1::pg_lsn, pg_last_wal_replay_lsn()), 0)::text as bytes,
            (extract(epoch from now() - pg_last_xact_replay_timestamp()) * 1000)::float8 as age_ms`,
      [primaryLsn],
    ),
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
  const { lsn } = onlyRow(await primary.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn'));
  const client = new Client({ connectionString: replica.url(), application_name: 'test-harness', connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined); // the replica stopping under us surfaces through the query
  await client.connect();
  try {
    await waitFor(
      async () =>
        (await client.query<{ done: boolean | null }>('select pg_last_wal_replay_lsn() >= $1::pg_lsn as done', [lsn])).rows[0]?.done ===
        true,
      `the replica ${replica.name} to replay up to ${lsn}`,
      timeoutMs,
    ).catch(async (error: unknown) => {
      const replayed = await client.query<{ lsn: string | null }>('select pg_last_wal_replay_lsn()::text as lsn').catch(() => undefined);
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`${message} (replayed up to ${replayed?.rows[0]?.lsn ?? 'unknown'})`);
    });
    return lsn;
  } finally {
    await client.end();
  }
}
