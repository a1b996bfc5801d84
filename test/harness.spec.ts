import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, type ClientConfig } from 'pg';
import { startHAProxy, type HAProxy } from './support/haproxy';
import { ifSetUp } from './support/if-set-up';
import { startPgBouncer, type PgBouncer } from './support/pgbouncer';
import {
  measureReplicaLag,
  startPrimary,
  startReplica,
  waitForReplay,
  type PostgresCluster,
  type ReplicaCluster,
} from './support/postgres-cluster';
import { processExists } from './support/process-table';
import { createDatabaseOn, type TestDatabase } from './support/test-database';
import { waitFor } from './support/wait-for';
import { PortTakenError, startFailure } from './support/ports';

/**
 * Proves the harnesses later specs rely on: a real PgBouncer in transaction pool mode in front
 * of the test PostgreSQL, a disposable primary with a hot standby fed by real streaming
 * replication, and a real HAProxy health-checking the servers it balances. Also pins down the
 * transaction-mode pitfalls those specs must design around, and what HAProxy retries.
 */

const openClients = new Set<Client>();

async function connect(config: string | ClientConfig): Promise<Client> {
  const client = new Client(typeof config === 'string' ? { connectionString: config } : config);
  client.on('error', () => undefined); // a server going away under a test must not crash jest
  await client.connect();
  openClients.add(client);
  return client;
}

afterEach(async () => {
  await Promise.all([...openClients].map((client) => client.end().catch(() => undefined)));
  openClients.clear();
});

describe('PgBouncer in transaction pool mode', () => {
  let target: PostgresCluster;
  let db: TestDatabase;
  let bouncer: PgBouncer;
  let url: string;

  beforeAll(async () => {
    // A cluster of the test's own, with trust auth: PgBouncer here knows no passwords.
    target = await startPrimary();
    db = await createDatabaseOn(target.url, 'bounced');
    bouncer = await startPgBouncer({ targetPort: target.port });
    url = bouncer.urlFor(db.url);
  });

  afterAll(async () => {
    // PgBouncer first: it holds server connections to the database.
    await ifSetUp(bouncer)?.stop();
    await ifSetUp(target)?.destroy();
  });

  it('forwards any database name to the target and answers select 1', async () => {
    expect(new URL(url)).toMatchObject({ hostname: '127.0.0.1', port: String(bouncer.port), pathname: `/${db.name}` });
    const client = await connect(url);
    const { rows } = await client.query('select 1 as one, current_database() as database');
    expect(rows).toEqual([{ one: 1, database: db.name }]);

    const config = await bouncer.admin<{ key: string; value: string }>('SHOW CONFIG');
    const setting = (key: string) => config.find((row) => row.key === key)?.value;
    expect(setting('pool_mode')).toBe('transaction');
    expect(setting('listen_addr')).toBe('127.0.0.1');
    const pools = await bouncer.admin<{ database: string; pool_mode: string }>('SHOW POOLS');
    expect(pools).toContainEqual(expect.objectContaining({ database: db.name, pool_mode: 'transaction' }));
  });

  it('runs transactions: commit keeps, rollback discards', async () => {
    const client = await connect(url);
    await client.query('create table tx_check (id int primary key, note text)');
    await client.query('begin');
    await client.query('insert into tx_check values (1, $1)', ['kept']);
    await client.query('commit');
    await client.query('begin');
    await client.query('insert into tx_check values (2, $1)', ['discarded']);
    await client.query('rollback');

    expect(await db.query('select id, note from tx_check order by id')).toEqual([{ id: 1, note: 'kept' }]);
  });

  it('keeps two clients with interleaved transactions apart', async () => {
    const a = await connect(url);
    const b = await connect(url);
    await a.query('create table interleaved (id int primary key, owner text)');

    await a.query('begin');
    await a.query(`insert into interleaved values (1, 'a')`);
    await b.query('begin');
    await b.query(`insert into interleaved values (2, 'b')`);
    // Each sees its own uncommitted row only: they are on two different server connections.
    expect((await a.query('select owner from interleaved')).rows).toEqual([{ owner: 'a' }]);
    expect((await b.query('select owner from interleaved')).rows).toEqual([{ owner: 'b' }]);
    const [pidA, pidB] = await Promise.all([a, b].map(async (c) => (await c.query('select pg_backend_pid() as pid')).rows[0].pid));
    expect(pidA).not.toBe(pidB);
    await b.query('commit');
    expect((await a.query('select owner from interleaved order by id')).rows).toEqual([{ owner: 'a' }, { owner: 'b' }]);
    await a.query('commit');

    expect(await db.query('select id, owner from interleaved order by id')).toEqual([
      { id: 1, owner: 'a' },
      { id: 2, owner: 'b' },
    ]);
  });

  it('PITFALL: accepts application_name, but statement_timeout as a startup parameter is silently dropped', async () => {
    // What our server's pool sends (orm-options: application_name + statement_timeout).
    const defaultTimeout = (await db.query<{ statement_timeout: string }>('show statement_timeout'))[0]!.statement_timeout;
    const client = await connect({ connectionString: url, application_name: 'harness-app', statement_timeout: 1500 });
    const { rows } = await client.query('select current_setting($1) as app, current_setting($2) as timeout', [
      'application_name',
      'statement_timeout',
    ]);
    expect(rows[0].app).toBe('harness-app'); // tracked by PgBouncer and set on the server connection
    expect(rows[0].timeout).not.toBe('1500ms'); // ignore_startup_parameters drops it: the server's default applies
    expect(rows[0].timeout).toBe(defaultTimeout);
  });

  it('without ignore_startup_parameters, rejects a client that sends statement_timeout; stop() ends it', async () => {
    const strict = await startPgBouncer({ targetPort: target.port, ignoreStartupParameters: [] });
    try {
      const strictUrl = strict.urlFor(db.url);
      await expect(connect({ connectionString: strictUrl, statement_timeout: 1500 })).rejects.toThrow(
        'unsupported startup parameter: statement_timeout',
      );
      // application_name alone is fine: PgBouncer tracks it natively.
      const client = await connect({ connectionString: strictUrl, application_name: 'harness-app' });
      expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await strict.stop();
    }
    expect(strict.isRunning()).toBe(false);
    expect(processExists(strict.pid)).toBe(false);
    const refused = new Client({ host: strict.host, port: strict.port, user: 'postgres', database: db.name });
    await expect(refused.connect()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('PITFALL: a session-level SET does not follow its client across transactions, and leaks to others', async () => {
    const a = await connect(url);
    const b = await connect(url);
    const defaultTimeout = (await db.query<{ statement_timeout: string }>('show statement_timeout'))[0]!.statement_timeout;

    // Outside a transaction, the SET is a transaction of its own: the server connection that ran
    // it goes back to the pool right after, still carrying the setting.
    await a.query(`set statement_timeout = '4321ms'`);
    // b's transaction takes the most recently used idle server connection (PgBouncer reuses
    // them LIFO by default): the very one a's SET ran on.
    await b.query('begin');
    expect((await b.query('show statement_timeout')).rows[0].statement_timeout).toBe('4321ms');
    // While b holds it, a's next statement must run on another server connection: a's own SET
    // is not there.
    expect((await a.query('show statement_timeout')).rows[0].statement_timeout).toBe(defaultTimeout);
    await b.query('rollback');
    // Session state only sticks for the length of a transaction: SET LOCAL (or set_config(…, true)) is the safe form.
    await a.query('begin');
    await a.query(`set local statement_timeout = '1234ms'`);
    expect((await a.query('show statement_timeout')).rows[0].statement_timeout).toBe('1234ms');
    await a.query('commit');
    // Clean up the connection the SET leaked onto, for the tests that follow.
    await bouncer.admin('RECONNECT');
  });

  it('PITFALL: named prepared statements break across transactions; unnamed parameterized queries work', async () => {
    const a = await connect(url);
    const b = await connect(url);
    // Unnamed: Parse/Bind/Execute/Sync go out together, inside one transaction. What knex sends.
    for (let i = 0; i < 3; i++) expect((await a.query('select $1::int as n', [i])).rows).toEqual([{ n: i }]);

    const named = { name: 'harness_named', text: 'select $1::int as n', values: [1] };
    expect((await a.query(named)).rows).toEqual([{ n: 1 }]); // prepared on server connection S1
    await b.query('begin'); // b now holds S1 (LIFO)…
    await b.query('select 1');
    // …so a's next transaction runs on another server connection, where pg's cached
    // "already prepared" statement does not exist.
    await expect(a.query(named)).rejects.toMatchObject({ code: '26000', message: 'prepared statement "harness_named" does not exist' });
    await b.query('rollback');
    await bouncer.admin('RECONNECT');
  });
});

describe('PostgreSQL primary with a streaming hot standby', () => {
  let primary: PostgresCluster;
  let replica: ReplicaCluster;

  beforeAll(async () => {
    primary = await startPrimary();
    replica = await startReplica(primary);
  });

  afterAll(async () => {
    await ifSetUp(replica)?.destroy();
    await ifSetUp(primary)?.destroy();
  });

  it('runs two clusters on their own ports, the replica in recovery and streaming from the primary', async () => {
    expect(replica.port).not.toBe(primary.port);
    expect([primary.port, replica.port]).not.toContain(5432);
    expect(await primary.query('select pg_is_in_recovery() as recovery, current_setting($1) as wal_level', ['wal_level'])).toEqual([
      { recovery: false, wal_level: 'replica' },
    ]);
    const client = await connect(replica.url());
    expect((await client.query('select pg_is_in_recovery() as recovery')).rows).toEqual([{ recovery: true }]);
    // The primary's walsender for it, streaming.
    const senders = await primary.query<{ application_name: string; state: string }>(
      'select application_name, state from pg_stat_replication',
    );
    expect(senders).toEqual([{ application_name: replica.name, state: 'streaming' }]);
    expect(await primary.processes()).toContain(primary.pid());
    expect(await replica.processes()).toContain(replica.pid());
  });

  it('shows what the primary committed on the replica once replayed', async () => {
    await primary.query('create table replicated (id int primary key, note text)');
    await primary.query(`insert into replicated select i, 'row ' || i from generate_series(1, 100) i`);

    const lsn = await waitForReplay(primary, replica);
    expect(lsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(await replica.query('select count(*)::int as rows, max(note) as last from replicated')).toEqual([{ rows: 100, last: 'row 99' }]);
    expect((await measureReplicaLag(primary, replica)).bytes).toBe(0);
  });

  it('refuses writes on the replica with SQLSTATE 25006', async () => {
    await primary.query('create table if not exists replicated (id int primary key, note text)');
    await waitForReplay(primary, replica);
    const client = await connect(replica.url());
    await expect(client.query(`insert into replicated values (1000, 'nope')`)).rejects.toMatchObject({
      code: '25006',
      message: 'cannot execute INSERT in a read-only transaction',
    });
    await expect(client.query('create table nope (id int)')).rejects.toMatchObject({ code: '25006' });
  });

  it('measures lag: with replay paused the replica falls behind, and catches up once resumed', async () => {
    await primary.query('create table lagging (id int)');
    await waitForReplay(primary, replica);
    await replica.pauseReplay();
    try {
      await primary.query('insert into lagging select generate_series(1, 1000)');
      const lag = await measureReplicaLag(primary, replica);
      expect(lag.bytes).toBeGreaterThan(0);
      expect(await replica.query('select count(*)::int as n from lagging')).toEqual([{ n: 0 }]);
      await expect(waitForReplay(primary, replica, 300)).rejects.toThrow(/timed out after 300 ms waiting for the replica/);
    } finally {
      await replica.resumeReplay();
    }
    await waitForReplay(primary, replica);
    expect(await replica.query('select count(*)::int as n from lagging')).toEqual([{ n: 1000 }]);
    expect((await measureReplicaLag(primary, replica)).bytes).toBe(0);
  });

  it('a stopped replica refuses connections while the primary keeps working; restarted, it catches up', async () => {
    await primary.query('create table during_outage (id int)');
    const pid = replica.pid()!;
    await replica.stop();
    expect(replica.isRunning()).toBe(false);
    expect(processExists(pid)).toBe(false);
    expect(await replica.processes()).toEqual([]);

    const refused = new Client({ connectionString: replica.url() });
    await expect(refused.connect()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await primary.query('insert into during_outage values (1), (2), (3)');
    expect(await primary.query('select count(*)::int as n from during_outage')).toEqual([{ n: 3 }]);

    await replica.start();
    expect(replica.pid()).not.toBe(pid);
    await waitForReplay(primary, replica);
    expect(await replica.query('select count(*)::int as n from during_outage')).toEqual([{ n: 3 }]);
    expect(await replica.query('select pg_is_in_recovery() as recovery')).toEqual([{ recovery: true }]);
  });

  it('kill() crashes the primary; start() recovers it with its data and the replica streams again', async () => {
    await primary.query('create table survives_crash (id int)');
    await primary.query('insert into survives_crash values (1)');
    await primary.kill();
    expect(await primary.processes()).toEqual([]);
    await expect(primary.query('select 1')).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    await primary.start();
    expect(primary.log()).toMatch(/database system was interrupted|not properly shut down/);
    expect(await primary.query('select count(*)::int as n from survives_crash')).toEqual([{ n: 1 }]);
    await primary.query('insert into survives_crash values (2)');
    await waitForReplay(primary, replica);
    expect(await replica.query('select count(*)::int as n from survives_crash')).toEqual([{ n: 2 }]);
  });
});

describe('HAProxy in front of servers it health-checks', () => {
  /** A plain HTTP server: /health/ready answers 200 while `healthy`, anything else says who answered. */
  interface Backend {
    name: string;
    port: number;
    healthy: boolean;
    /** Requests other than health checks, as `METHOD /path`. */
    received: string[];
    /** Destroys the connection of every POST instead of answering: a crash with the request in flight. */
    crashOnPost: boolean;
    server: http.Server;
  }
  const backends: Backend[] = [];
  let proxy: HAProxy | undefined;

  async function startBackend(name: string): Promise<Backend> {
    const backend: Backend = { name, port: 0, healthy: true, received: [], crashOnPost: false, server: http.createServer() };
    backend.server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
      if (request.url === '/health/ready') {
        response.writeHead(backend.healthy ? 200 : 503).end();
        return;
      }
      backend.received.push(`${request.method} ${request.url}`);
      if (request.method === 'POST' && backend.crashOnPost) request.socket.destroy();
      else response.end(`answered by ${name}`);
    });
    await new Promise<void>((listening) => backend.server.listen(0, '127.0.0.1', listening));
    backend.port = (backend.server.address() as AddressInfo).port;
    backends.push(backend);
    return backend;
  }

  const closeListener = (backend: Backend) =>
    new Promise<void>((closed) => {
      backend.server.close(() => closed());
      backend.server.closeAllConnections();
    });

  async function get(path: string): Promise<{ status: number; text: string }> {
    const response = await fetch(`${proxy!.url}${path}`);
    return { status: response.status, text: await response.text() };
  }

  /** A POST on a client connection of its own: its status. */
  const postOnce = (url: string) =>
    new Promise<{ status: number }>((answered, failed) => {
      const request = http.request(url, { method: 'POST', agent: false }, (response) => {
        response.resume();
        response.on('end', () => answered({ status: response.statusCode! }));
      });
      request.on('error', failed);
      request.end('once');
    });

  afterEach(async () => {
    await proxy?.stop();
    proxy = undefined;
    await Promise.all(backends.splice(0).map((backend) => (backend.server.listening ? closeListener(backend) : Promise.resolve())));
  });

  it('balances round-robin over the servers its checks find up; stop() ends it and removes its folder', async () => {
    const [a, b] = [await startBackend('a'), await startBackend('b')];
    proxy = await startHAProxy({ servers: [a, b], checkIntervalMs: 100, fall: 2, rise: 1 });
    expect(proxy.config).toContain('option httpchk GET /health/ready');
    await proxy.waitForStatus('a', 'UP');
    await proxy.waitForStatus('b', 'UP');

    const answers = await Promise.all(Array.from({ length: 4 }, async (_, n) => (await get(`/${n}`)).text));
    expect(answers.sort()).toEqual(['answered by a', 'answered by a', 'answered by b', 'answered by b']);
    expect((await proxy.servers()).map(({ name, requests }) => ({ name, requests }))).toEqual([
      { name: 'a', requests: 2 },
      { name: 'b', requests: 2 },
    ]);

    const { pid, configDir } = proxy;
    await proxy.stop();
    expect(processExists(pid)).toBe(false);
    expect(existsSync(configDir)).toBe(false);
  });

  it('takes a server out after `fall` failed checks, sends it nothing then, and takes it back after `rise` good ones', async () => {
    const [a, b] = [await startBackend('a'), await startBackend('b')];
    proxy = await startHAProxy({ servers: [a, b], checkIntervalMs: 100, fall: 2, rise: 2 });
    await proxy.waitForStatus('a', 'UP');
    await proxy.waitForStatus('b', 'UP');

    const failingSince = Date.now();
    b.healthy = false;
    await proxy.waitForStatus('b', 'DOWN', 2_000);
    const down = await proxy.waitForStateChange('b', 'DOWN');
    // Two failed checks, 100 ms apart: at most ~200 ms plus the checks themselves (generous: a busy machine).
    expect(down.at - failingSince).toBeLessThan(1_000);
    b.received.length = 0;
    for (let n = 0; n < 6; n++) expect(await get('/x')).toEqual({ status: 200, text: 'answered by a' });
    expect(b.received).toEqual([]);

    b.healthy = true;
    await proxy.waitForStatus('b', 'UP', 2_000);
    await proxy.waitForStateChange('b', 'UP');
    expect(proxy.stateChanges().map(({ server, status }) => `${server} ${status}`)).toEqual(['b DOWN', 'b UP']);
    const answers = await Promise.all(Array.from({ length: 4 }, async () => (await get('/y')).text));
    expect(answers).toContain('answered by b');
  });

  it('retries a request it could not connect for on another server, never one it had sent (connectRetries)', async () => {
    const [a, b] = [await startBackend('a'), await startBackend('b')];
    // Checks far apart: HAProxy still has both UP after one of them stops listening.
    proxy = await startHAProxy({ servers: [a, b], checkIntervalMs: 60_000, fall: 1, rise: 1, connectRetries: 1 });
    await proxy.waitForStatus('a', 'UP');
    await proxy.waitForStatus('b', 'UP');

    // b's port refuses connections: each request HAProxy sends its way goes to a instead.
    await closeListener(b);
    for (let n = 0; n < 4; n++) expect(await get('/x')).toEqual({ status: 200, text: 'answered by a' });
    // Counted as redispatches away from b, not as connection errors (those count requests that
    // failed in the end), and logged as anomalies although they succeeded: `+1` retries, on a.
    const refusing = await proxy.server('b');
    expect(refusing.redispatches).toBeGreaterThanOrEqual(1);
    expect(refusing.connectionErrors).toBe(0);
    expect(proxy.anomalies()).toHaveLength(refusing.redispatches);
    for (const line of proxy.anomalies()) expect(line).toMatch(/ clients api\/a \S+ 200 .* \d+\/\d+\/\d+\/\d+\/\+1 /);

    // a takes the request, then dies with it: HAProxy answers 502 and does not send it again.
    // (A new client connection: on a kept-alive one, HAProxy would close it without an answer
    // instead, as a server may, leaving the client to decide whether to resend.)
    a.crashOnPost = true;
    a.received.length = 0;
    const response = await postOnce(`${proxy.url}/write`);
    expect(response.status).toBe(502);
    expect(a.received).toEqual(['POST /write']);
    expect((await proxy.server('a')).serverAborts + (await proxy.server('a')).responseErrors).toBeGreaterThanOrEqual(1);
    await waitFor(() => proxy!.anomalies().some((line) => line.includes('"POST /write HTTP/1.1"')), 'HAProxy to log the 502');
  });
});

describe('a start on a port another process took meanwhile', () => {
  it.each([
    ['PostgreSQL', 'LOG:  could not bind IPv4 address "127.0.0.1": Address already in use'],
    ['PgBouncer', 'ERROR bind(): Address already in use'],
    ['HAProxy', '[ALERT] (1) : Starting frontend fe: cannot bind socket (Address already in use) [127.0.0.1:4100]'],
    ['this server', 'PORT 4100 is already in use on 127.0.0.1: stop the program using it, or set PORT to a free port.'],
  ])('is recognised in the words of %s, so that another port is tried', (_program, output) => {
    expect(startFailure(new Error('did not start'), 4100, output)).toBeInstanceOf(PortTakenError);
  });

  it('leaves any other failure as it was', () => {
    const failure = new Error('did not start');
    expect(startFailure(failure, 4100, 'FATAL:  could not open configuration file')).toBe(failure);
  });
});
