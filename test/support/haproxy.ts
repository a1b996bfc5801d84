import { existsSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { spawnOwned, type OwnedProcess } from './owned-processes';
import { startFailure, startOnFreePort } from './ports';
import { makeOwnedTempDir, removeOwnedTempDir, stopAndRemoveFolder, writeOwnedFile } from './temp-folders';
import { waitFor } from './wait-for';

/**
 * A real HAProxy owned by a test, in front of servers on 127.0.0.1: its haproxy.cfg in a temp
 * folder, a free port, run in the foreground (-db) as the unprivileged user, as a child of the
 * test process, so stop() — or the death of the test process — ends it.
 *
 *   const proxy = await startHAProxy({ servers: [{ name: 's1', port: 4001 }, { name: 's2', port: 4002 }] });
 *   try { await fetch(`${proxy.url}/graphql`, …); await proxy.waitForStatus('s1', 'DOWN'); } finally { await proxy.stop(); }
 *
 * What it is set up to show:
 * - health checks: `option httpchk GET <checkPath>` on every server, every `checkIntervalMs`,
 *   down after `fall` failed checks (any status but 200), up after `rise` good ones;
 * - every server's counters and state, from the admin socket (`show stat`): requests sent,
 *   connection errors (a connect to a port where nothing listens), retries, redispatches,
 *   transfers the server aborted, 5xx responses;
 * - its log (stdout, ISO timestamps): the servers' state changes, and, through
 *   `option dontlog-normal`, only the requests that went wrong (an error, a timeout, a retry, a
 *   redispatch, a 5xx): a short log that names every anomaly.
 *
 * Keep-alive on both sides and connection reuse towards the servers (`http-reuse safe`) are
 * HAProxy's defaults and stay on: a server's keep-alive handling is part of what is tested. When a
 * server dies with a request HAProxy sent it, the client gets 502, or, when its own connection
 * had been kept alive, that connection closed without an answer (HAProxy leaves the client to
 * decide whether to resend, as a server closing a kept-alive connection would).
 */

export const HAPROXY_BIN = process.env.TEST_HAPROXY_BIN ?? '/usr/sbin/haproxy';

export interface HAProxyOptions {
  /** The servers, on 127.0.0.1, balanced round-robin. */
  servers: { name: string; port: number }[];
  /** The health check's path (GET; 200 is healthy). Default /health/ready. */
  checkPath?: string;
  /** Milliseconds between two checks of a server. Default 2000 (HAProxy's). */
  checkIntervalMs?: number;
  /** Failed checks in a row that take a server out. Default 3 (HAProxy's). */
  fall?: number;
  /** Good checks in a row that take it back in. Default 2 (HAProxy's). */
  rise?: number;
  /**
   * Retries of a request whose connection to a server could not be opened (`retry-on
   * conn-failure`: the request was never sent, so replaying it cannot run it twice), each on
   * another server (`option redispatch 1`). A request already sent is never retried. Default 0.
   */
  connectRetries?: number;
  /** Default 15 s. */
  startTimeoutMs?: number;
}

/** One server as HAProxy sees it (`show stat`). */
export interface ServerStats {
  name: string;
  /** UP, DOWN, or on the way: `UP 1/2` (failing checks), `DOWN 1/2` (passing ones)… */
  status: string;
  /** Requests sent to it (HAProxy's stot). */
  requests: number;
  /** Requests on it right now (scur). */
  current: number;
  /** Requests that failed in the end because no connection to it could be opened (econ); one retried elsewhere counts as a redispatch instead. */
  connectionErrors: number;
  /** Response errors (eresp), aborts by the server included. */
  responseErrors: number;
  /** Transfers the server aborted (srv_abrt): closed mid-response. */
  serverAborts: number;
  /** Connection attempts retried (wretr). */
  retries: number;
  /** Requests switched away from it to another server after a failed connect (wredis). */
  redispatches: number;
  /** 5xx responses, HAProxy's own included (hrsp_5xx). */
  responses5xx: number;
}

export interface StateChange {
  /** Date.now() time, from HAProxy's timestamp. */
  at: number;
  server: string;
  status: 'UP' | 'DOWN';
}

export interface HAProxy {
  /** http://127.0.0.1:<port>, the frontend clients use. */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** The folder holding haproxy.cfg and the admin socket (removed by stop()). */
  readonly configDir: string;
  /** The haproxy.cfg it runs. */
  readonly config: string;
  servers(): Promise<ServerStats[]>;
  server(name: string): Promise<ServerStats>;
  /** Resolves once HAProxy has the server exactly UP or DOWN (not on the way). */
  waitForStatus(name: string, status: 'UP' | 'DOWN', timeoutMs?: number): Promise<void>;
  /** Its log lines so far (state changes, anomalous requests; see above). */
  logLines(): string[];
  /** The servers' UP/DOWN transitions it logged, in order. */
  stateChanges(): StateChange[];
  /**
   * The first logged transition of `name` to `status`, once it is in the log: the admin socket
   * can show a new state before the log line that tells it has been read.
   */
  waitForStateChange(name: string, status: 'UP' | 'DOWN', timeoutMs?: number): Promise<StateChange>;
  /** The request log lines (anomalies only, `option dontlog-normal`). */
  anomalies(): string[];
  isRunning(): boolean;
  /** SIGTERM (immediate stop), SIGKILL after a grace period; resolves once it exited and its folder is gone. Idempotent. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const FRONTEND = 'clients';
const BACKEND = 'api';

function renderConfig(options: HAProxyOptions, dir: string, port: number): string {
  const retries = options.connectRetries ?? 0;
  const check = `inter ${options.checkIntervalMs ?? 2_000}ms fall ${options.fall ?? 3} rise ${options.rise ?? 2}`;
  return [
    '# written by test/support/haproxy.ts',
    'global',
    // Logs on stdout (one write per line), with an ISO timestamp.
    '  log stdout format iso local0',
    `  stats socket ${join(dir, 'admin.sock')} mode 600 level admin`,
    '  nbthread 1',
    '  maxconn 2000',
    '',
    'defaults',
    '  mode http',
    '  log global',
    '  option httplog',
    '  option dontlog-normal',
    '  timeout connect 1s',
    '  timeout client 30s',
    '  timeout server 30s',
    '  timeout check 1s',
    '',
    `frontend ${FRONTEND}`,
    `  bind ${HOST}:${port}`,
    `  default_backend ${BACKEND}`,
    '',
    `backend ${BACKEND}`,
    '  balance roundrobin',
    `  option httpchk GET ${options.checkPath ?? '/health/ready'}`,
    '  http-check expect status 200',
    retries > 0 ? '  retry-on conn-failure' : '  retry-on none',
    `  retries ${retries}`,
    retries > 0 ? '  option redispatch 1' : '  no option redispatch',
    `  default-server ${check}`,
    ...options.servers.map((server) => `  server ${server.name} ${HOST}:${server.port} check`),
    '',
  ].join('\n');
}

/** HAProxy on `port`, once its admin socket answers; PortTakenError when another process has the port. */
async function launch(options: HAProxyOptions, dir: string, port: number): Promise<{ haproxy: OwnedProcess; config: string }> {
  const config = renderConfig(options, dir, port);
  const file = join(dir, 'haproxy.cfg');
  await writeOwnedFile(file, config);
  // -db: foreground, no daemon. Dies with us (SIGTERM: immediate stop) if we die.
  const haproxy = spawnOwned(HAPROXY_BIN, ['-db', '-f', file], 'SIGTERM');
  try {
    await waitFor(
      async () => {
        if (haproxy.hasExited()) throw new Error(`HAProxy exited before it was up:\n${haproxy.output()}`);
        return (await adminCommand(dir, 'show info').catch(() => '')).includes('Name: HAProxy');
      },
      `HAProxy's admin socket to answer`,
      options.startTimeoutMs ?? 15_000,
    );
    return { haproxy, config };
  } catch (error) {
    await haproxy.stop('SIGKILL');
    throw startFailure(error, port, haproxy.output());
  }
}

/** A command on the admin socket; its whole answer. */
function adminCommand(dir: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ path: join(dir, 'admin.sock') });
    let answer = '';
    socket.setEncoding('utf8');
    socket.setTimeout(5_000, () => socket.destroy(new Error(`HAProxy did not answer "${command}" within 5 s`)));
    socket.on('connect', () => socket.write(`${command}\n`));
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

/** `show stat` CSV → the servers of the backend. */
function parseServerStats(csv: string): ServerStats[] {
  const [header = '', ...rows] = csv.trim().split('\n');
  const columns = header.replace(/^# /, '').split(',');
  const at = (cells: string[], column: string) => cells[columns.indexOf(column)] ?? '';
  const count = (cells: string[], column: string) => Number(at(cells, column) || 0);
  return rows
    .map((row) => row.split(','))
    .filter((cells) => at(cells, 'pxname') === BACKEND && !['BACKEND', 'FRONTEND'].includes(at(cells, 'svname')))
    .map((cells) => ({
      name: at(cells, 'svname'),
      status: at(cells, 'status'),
      requests: count(cells, 'stot'),
      current: count(cells, 'scur'),
      connectionErrors: count(cells, 'econ'),
      responseErrors: count(cells, 'eresp'),
      serverAborts: count(cells, 'srv_abrt'),
      retries: count(cells, 'wretr'),
      redispatches: count(cells, 'wredis'),
      responses5xx: count(cells, 'hrsp_5xx'),
    }));
}

const STATE_CHANGE = new RegExp(`^(\\S+) Server ${BACKEND}/(\\S+) is (UP|DOWN)\\b`);

/** Starts HAProxy and resolves once it listens and its admin socket answers (servers may still be checked DOWN). */
export async function startHAProxy(options: HAProxyOptions): Promise<HAProxy> {
  if (!existsSync(HAPROXY_BIN))
    throw new Error(`HAProxy not found at ${HAPROXY_BIN}: apt-get install -y haproxy (or set TEST_HAPROXY_BIN)`);
  const dir = await makeOwnedTempDir('haproxy-');
  let started: { haproxy: OwnedProcess; config: string; port: number };
  try {
    started = await startOnFreePort(async (port) => ({ ...(await launch(options, dir, port)), port }));
  } catch (error) {
    await removeOwnedTempDir(dir);
    throw error;
  }
  const { haproxy, config, port } = started;
  const lines = () => haproxy.output().split('\n').filter(Boolean);

  const proxy: HAProxy = {
    url: `http://${HOST}:${port}`,
    port,
    pid: haproxy.pid,
    configDir: dir,
    config,
    servers: async () => parseServerStats(await adminCommand(dir, 'show stat')),
    async server(name) {
      const found = (await proxy.servers()).find((server) => server.name === name);
      if (!found) throw new Error(`HAProxy has no server ${name}`);
      return found;
    },
    async waitForStatus(name, status, timeoutMs = 10_000) {
      let last = '';
      await waitFor(
        async () => (last = (await proxy.server(name)).status) === status,
        `HAProxy to have ${name} ${status}`,
        timeoutMs,
      ).catch((error: unknown) => {
        throw new Error(`${(error as Error).message} (last: ${last})\n${haproxy.output()}`);
      });
    },
    logLines: lines,
    stateChanges: () =>
      lines().flatMap((line) => {
        const change = STATE_CHANGE.exec(line);
        return change ? [{ at: Date.parse(change[1]!), server: change[2]!, status: change[3] as 'UP' | 'DOWN' }] : [];
      }),
    async waitForStateChange(name, status, timeoutMs = 10_000) {
      const find = () => proxy.stateChanges().find((change) => change.server === name && change.status === status);
      await waitFor(() => find() !== undefined, `HAProxy to log ${name} ${status}`, timeoutMs);
      return find()!;
    },
    anomalies: () => lines().filter((line) => line.includes(` ${FRONTEND} ${BACKEND}/`)),
    isRunning: () => !haproxy.hasExited(),
    stop: stopAndRemoveFolder(haproxy, dir),
  };
  return proxy;
}
