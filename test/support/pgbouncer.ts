import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { spawnOwned, type OwnedProcess } from './owned-processes';
import { startFailure, startOnFreePort } from './ports';
import { makeOwnedTempDir, removeOwnedTempDir, stopAndRemoveFolder, writeOwnedFile } from './temp-folders';
import { routedThrough } from './test-database';

/**
 * A real PgBouncer owned by a test: its own pgbouncer.ini and auth file in a temp folder, a free
 * port on 127.0.0.1, run in the foreground (no -d) as the OS user `postgres` (PgBouncer refuses
 * root) as a child of the test process, so stop() — or the death of the test process — ends it.
 *
 *   const bouncer = await startPgBouncer({ targetHost: '127.0.0.1', targetPort: 5432 });
 *   try { const url = bouncer.urlFor(db.url); … } finally { await bouncer.stop(); }
 *
 * Defaults: pool_mode = transaction, auth_type = trust (the target must trust 127.0.0.1), every
 * database name forwarded to the target (`* = host=… port=…`), max_client_conn 200,
 * default_pool_size 20, the admin console (database `pgbouncer`) open to `postgres`.
 *
 * Things to know about PgBouncer 1.18 in transaction mode (test/harness.spec.ts proves each):
 * - a session-level SET (or advisory lock, LISTEN, temp table…) stays on the server connection
 *   that ran it, which then serves other clients: it does not follow its client, and it leaks;
 * - protocol-level named prepared statements (pg's `{ name }` queries) break once the next
 *   transaction lands on another server connection (26000, "prepared statement … does not
 *   exist"); unnamed parameterized queries (what knex sends) are fine;
 * - startup parameters other than client_encoding, DateStyle, TimeZone,
 *   standard_conforming_strings and application_name are rejected ("unsupported startup
 *   parameter") unless listed in ignore_startup_parameters — and an ignored one is silently
 *   dropped: node-postgres's `statement_timeout` option then has no effect at all.
 */

export const PGBOUNCER_BIN = process.env.TEST_PGBOUNCER_BIN ?? '/usr/sbin/pgbouncer';

/**
 * What node-postgres may send at startup that PgBouncer 1.18 does not track: `statement_timeout`
 * (our server sets it), `lock_timeout`, `idle_in_transaction_session_timeout`, `options`; and
 * `extra_float_digits` (JDBC/psycopg habits). Ignored means dropped, not applied.
 */
export const DEFAULT_IGNORED_STARTUP_PARAMETERS = [
  'extra_float_digits',
  'statement_timeout',
  'lock_timeout',
  'idle_in_transaction_session_timeout',
  'options',
];

export interface PgBouncerOptions {
  /** Where the server connections go. Default 127.0.0.1. */
  targetHost?: string;
  targetPort: number;
  /**
   * Extra [databases] entries, name → the right-hand side of the line, e.g.
   * `{ app: 'host=127.0.0.1 port=5432 dbname=real_name pool_size=2' }`. A `*` fallback forwarding
   * every other name to the target is added unless one is given.
   */
  databases?: Record<string, string>;
  /** Users PgBouncer knows (auth_file; trust still requires the name to be listed). Default ['postgres']. */
  users?: string[];
  poolMode?: 'session' | 'transaction' | 'statement';
  /** Default DEFAULT_IGNORED_STARTUP_PARAMETERS; [] makes PgBouncer reject them all. */
  ignoreStartupParameters?: string[];
  /** Any other [pgbouncer] setting, e.g. { default_pool_size: 2, server_login_retry: 1 }. */
  settings?: Record<string, string | number>;
  /** Default 15 s. */
  startTimeoutMs?: number;
}

export interface PgBouncer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** The folder holding pgbouncer.ini and userlist.txt (removed by stop()). */
  readonly configDir: string;
  readonly pid: number;
  /** The same URL with host and port replaced by PgBouncer's (user, database and parameters kept). */
  urlFor(databaseUrl: string): string;
  /** A command on the admin console (`SHOW POOLS`, `SHOW SERVERS`, `RECONNECT`, `PAUSE`…); its rows. */
  admin<Row extends object = Record<string, unknown>>(command: string): Promise<Row[]>;
  /** Rewrites pgbouncer.ini with these options changed (same port) and has it RELOAD them. */
  reconfigure(changes: Partial<PgBouncerOptions>): Promise<void>;
  isRunning(): boolean;
  /** Its log so far. */
  log(): string;
  /** Immediate shutdown (SIGTERM), SIGKILL after a grace period; resolves once it exited and its folder is gone. Idempotent. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

function renderIni(options: PgBouncerOptions, dir: string, port: number): string {
  const target = `host=${options.targetHost ?? HOST} port=${options.targetPort}`;
  const databases = { ...options.databases };
  if (!('*' in databases)) databases['*'] = target;
  const settings: Record<string, string | number> = {
    listen_addr: HOST,
    listen_port: port,
    // No Unix socket: with one, a TCP port already in use is only a warning and PgBouncer runs
    // on the socket alone; without, it is fatal ("nowhere to listen on") and we try another port.
    unix_socket_dir: '',
    auth_type: 'trust',
    auth_file: join(dir, 'userlist.txt'),
    admin_users: 'postgres',
    stats_users: 'postgres',
    pool_mode: options.poolMode ?? 'transaction',
    max_client_conn: 200,
    default_pool_size: 20,
    ignore_startup_parameters: (options.ignoreStartupParameters ?? DEFAULT_IGNORED_STARTUP_PARAMETERS).join(','),
    ...options.settings,
  };
  const lines = (entries: Record<string, string | number>) =>
    Object.entries(entries)
      .map(([name, value]) => `${name} = ${value}`)
      .join('\n');
  return `; written by test/support/pgbouncer.ts\n[databases]\n${lines(databases)}\n\n[pgbouncer]\n${lines(settings)}\n`;
}

/** PgBouncer on `port`, once it listens there; PortTakenError when another process has the port. */
async function launch(
  options: PgBouncerOptions,
  dir: string,
  port: number,
  timeoutMs: number,
): Promise<{ bouncer: OwnedProcess; port: number }> {
  const ini = join(dir, 'pgbouncer.ini');
  await writeOwnedFile(ini, renderIni(options, dir, port));
  // Foreground (no -d): it logs to stderr and stays our child. Dies with us (SIGTERM) if we die.
  const bouncer = spawnOwned(PGBOUNCER_BIN, [ini], 'SIGTERM');
  try {
    // "process up" comes once every listener is set up; requiring the TCP one as well.
    await bouncer.waitForOutput(
      new RegExp(`listening on ${HOST.replace(/\./g, '\\.')}:${port}\\b[\\s\\S]*process up`),
      `PgBouncer to listen on ${HOST}:${port}`,
      timeoutMs,
    );
    return { bouncer, port };
  } catch (error) {
    await bouncer.stop('SIGKILL');
    throw startFailure(error, port, bouncer.output());
  }
}

/** Starts PgBouncer and resolves once it listens on its port. */
export async function startPgBouncer(options: PgBouncerOptions): Promise<PgBouncer> {
  if (!existsSync(PGBOUNCER_BIN))
    throw new Error(`PgBouncer not found at ${PGBOUNCER_BIN}: apt-get install -y pgbouncer (or set TEST_PGBOUNCER_BIN)`);
  const dir = await makeOwnedTempDir('pgbouncer-');
  let bouncer: OwnedProcess;
  let port: number;
  try {
    const users = options.users ?? ['postgres'];
    await writeOwnedFile(join(dir, 'userlist.txt'), users.map((user) => `"${user.replace(/"/g, '""')}" ""\n`).join(''));
    ({ bouncer, port } = await startOnFreePort((free) => launch(options, dir, free, options.startTimeoutMs ?? 15_000)));
  } catch (error) {
    await removeOwnedTempDir(dir);
    throw error;
  }

  let current = options;
  const pgbouncer: PgBouncer = {
    host: HOST,
    port,
    configDir: dir,
    pid: bouncer.pid,
    urlFor: (databaseUrl) => routedThrough(databaseUrl, { host: HOST, port }),
    async admin(command) {
      // The admin console speaks the simple query protocol only: no parameters.
      const client = new Client({ host: HOST, port, user: 'postgres', database: 'pgbouncer', connectionTimeoutMillis: 5_000 });
      await client.connect();
      try {
        return (await client.query(command)).rows;
      } finally {
        await client.end();
      }
    },
    async reconfigure(changes) {
      current = { ...current, ...changes };
      await writeOwnedFile(join(dir, 'pgbouncer.ini'), renderIni(current, dir, port));
      await pgbouncer.admin('RELOAD');
    },
    isRunning: () => !bouncer.hasExited(),
    log: () => bouncer.output(),
    stop: stopAndRemoveFolder(bouncer, dir),
  };
  return pgbouncer;
}
