import { APPLICATION_NAME } from '../src/database/pool/pool-options';
import { graphql } from './support/graphql-client';
import { health } from './support/health';
import { connectOnce, graphqlOnce } from './support/fresh-connections';
import { ifSetUp } from './support/if-set-up';
import { exitWithin, killAllServers, startServer, type ServerProcess } from './support/server-process';
import { lockSessionsTable, releaseTableLocks } from './support/table-lock';
import { migrateDatabase } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { waitFor } from './support/wait-for';

/**
 * The server as a real process (`node src/main.ts`) receiving real signals. A table lock held by
 * the test keeps a request in flight for as long as the test wants. NODE_ENV is unset here, so
 * there is no drain unless a test sets SHUTDOWN_DRAIN_DELAY_MS.
 */

const LIST = '{ interviewSessions(first: 5) { nodes { id } } }';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
  await migrateDatabase(db);
});
afterEach(async () => {
  await releaseTableLocks();
  await killAllServers();
});
afterAll(async () => {
  await killAllServers();
  await ifSetUp(db)?.drop();
});

/** The server on the test database; its statements may wait for a lock far longer than a test runs. */
const startApiServer = (env: Record<string, string> = {}) =>
  startServer({
    DATABASE_URL: db.url,
    DB_POOL_MIN: '2',
    DB_STATEMENT_TIMEOUT_MS: '20000',
    DB_QUERY_TIMEOUT_MS: '20000',
    ...env,
  });

/** Another session takes an ACCESS EXCLUSIVE lock on the table: every query on it waits. */
const lockTheTable = () => lockSessionsTable(db.url);

/** Backends of the server on the test database, as PostgreSQL sees them. */
const serverBackends = () =>
  db.query<{ pid: number; wait_event_type: string | null }>(
    `select pid, wait_event_type from pg_stat_activity where datname = current_database() and application_name = $1`,
    [APPLICATION_NAME],
  );

const aQueryWaitsOnTheLock = async () => (await serverBackends()).some((backend) => backend.wait_event_type === 'Lock');

/** Settles with what happened to a request, so it can run unobserved while the test goes on. */
function settled<T>(request: Promise<T>) {
  return request.then(
    (response) => ({ response, error: undefined }),
    (error: unknown) => ({ response: undefined, error }),
  );
}

/** A fetch to /health/live: 'answered <status>', or the connection error that stopped it. */
async function fetchLive(url: string): Promise<string> {
  try {
    const response = await fetch(`${url}/health/live`);
    await response.arrayBuffer();
    return `answered ${response.status}`;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return `connection error ${cause?.code ?? (error as Error).message}`;
  }
}

const messages = (server: ServerProcess) => server.logs().map((line) => line.msg);

describe('when the server receives SIGTERM', () => {
  it('refuses new connections at once, answers the request in flight (200), exits 0 and leaves no database session behind', async () => {
    // A deadline far away: the exit must come from the work being done, not from the deadline.
    const server = await startApiServer({ SHUTDOWN_TIMEOUT_MS: '15000' });
    const blocking = await lockTheTable();
    const request = settled(graphqlOnce(server.url, LIST));
    await waitFor(aQueryWaitsOnTheLock, "the server's query to wait on the table lock");

    const signalledAt = performance.now();
    server.signal('SIGTERM');

    // New connections are refused soon after the signal: the listening socket is closed.
    let probe = '';
    await waitFor(
      async () => (probe = await fetchLive(server.url)).startsWith('connection error'),
      'a new request to /health/live to fail with a connection error',
      2_000,
    );
    const refusedAfterMs = performance.now() - signalledAt;
    expect(probe).toMatch(/^connection error (ECONNREFUSED|ECONNRESET|UND_ERR_SOCKET)$/);
    expect(await connectOnce(server.url)).toBe('ECONNREFUSED');
    expect(refusedAfterMs).toBeLessThan(1_000);

    // The request in flight still waits for the lock, and the process waits for it.
    expect(server.hasExited()).toBe(false);
    expect(await aQueryWaitsOnTheLock()).toBe(true);

    await blocking.query('commit');
    const { response, error } = await request;
    const answeredAfterMs = performance.now() - signalledAt;
    expect(error).toBeUndefined();
    expect(response).toMatchObject({ status: 200, body: { data: { interviewSessions: { nodes: [] } } } });
    expect(response!.body.errors).toBeUndefined();

    const exit = await exitWithin(server, 3_000);
    const exitedAfterMs = performance.now() - signalledAt;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(messages(server)).toEqual(expect.arrayContaining(['shutting down: refusing new requests, finishing in-flight ones', 'stopped']));
    expect(messages(server)).not.toContainEqual(expect.stringMatching(/^shutdown deadline passed/));
    // The pool was closed before the exit: PostgreSQL has no session of the server left.
    await waitFor(async () => (await serverBackends()).length === 0, 'the server sessions to be gone', 1_000);
    console.info(
      `SIGTERM with a request in flight: new connections refused after ${refusedAfterMs.toFixed(0)} ms, ` +
        `in-flight answered after ${answeredAfterMs.toFixed(0)} ms, exit after ${exitedAfterMs.toFixed(0)} ms`,
    );
  });

  it('exits as soon as the request in flight is answered, although its client keeps the connection alive', async () => {
    // fetch(), like browsers and load balancers, keeps the connection open after the response.
    const server = await startApiServer({ SHUTDOWN_TIMEOUT_MS: '15000' });
    const blocking = await lockTheTable();
    const request = settled(graphql(server.url, LIST));
    await waitFor(aQueryWaitsOnTheLock, "the server's query to wait on the table lock");

    const signalledAt = performance.now();
    server.signal('SIGTERM');
    await waitFor(async () => (await connectOnce(server.url)) === 'ECONNREFUSED', 'new connections to be refused', 2_000);
    await blocking.query('commit');
    const { response } = await request;
    expect(response?.status).toBe(200);
    const answeredAfterMs = performance.now() - signalledAt;

    // Nothing is left to do: the process must not wait for the client's idle keep-alive socket
    // until SHUTDOWN_TIMEOUT_MS (15 s here) runs out.
    const exit = await exitWithin(server, 3_000);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(messages(server)).not.toContainEqual(expect.stringMatching(/^shutdown deadline passed/));
    console.info(
      `SIGTERM, keep-alive client: in-flight answered after ${answeredAfterMs.toFixed(0)} ms, ` +
        `exit after ${(performance.now() - signalledAt).toFixed(0)} ms`,
    );
  });

  it('exits 0 at once when idle, closing its pooled connections', async () => {
    const server = await startApiServer();
    expect((await graphqlOnce(server.url, LIST)).status).toBe(200);
    expect((await serverBackends()).length).toBeGreaterThanOrEqual(2);

    const signalledAt = performance.now();
    server.signal('SIGTERM');
    expect(await exitWithin(server, 3_000)).toEqual({ code: 0, signal: null });
    const exitedAfterMs = performance.now() - signalledAt;
    await waitFor(async () => (await serverBackends()).length === 0, 'the server sessions to be gone', 1_000);
    expect(server.stderr()).not.toMatch(/error/i);
    console.info(`SIGTERM when idle: exit after ${exitedAfterMs.toFixed(0)} ms`);
  });
});

describe('when a request runs past SHUTDOWN_TIMEOUT_MS', () => {
  it('does not keep the process alive: the request is cut, its query cancelled, and the process exits 0 soon after the deadline', async () => {
    const shutdownTimeoutMs = 1_000;
    const server = await startApiServer({ SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs) });
    const blocking = await lockTheTable(); // held past the deadline: the query would wait 20 s for it
    const request = settled(graphqlOnce(server.url, LIST));
    await waitFor(aQueryWaitsOnTheLock, "the server's query to wait on the table lock");

    const signalledAt = performance.now();
    server.signal('SIGTERM');
    const exit = await exitWithin(server, shutdownTimeoutMs + 2_000);
    const exitedAfterMs = performance.now() - signalledAt;

    expect(exitedAfterMs).toBeGreaterThanOrEqual(shutdownTimeoutMs - 50);
    expect(exit).toEqual({ code: 0, signal: null }); // it ended by itself, its stop complete: nothing had to kill it
    expect(messages(server)).toContainEqual(expect.stringMatching(/^shutdown deadline passed/));
    // The client sees its connection closed, not an answer.
    const { response, error } = await request;
    expect(response).toBeUndefined();
    expect(error).toMatchObject({ code: 'ECONNRESET' });
    // The query was cancelled, not just left behind with a closed socket: while the lock is still
    // held, nothing of the server waits for it.
    await waitFor(async () => (await serverBackends()).length === 0, 'the server sessions to be gone, the lock still held', 2_000);
    await blocking.query('rollback');
    console.info(
      `SIGTERM with a request stuck past SHUTDOWN_TIMEOUT_MS=${shutdownTimeoutMs}: exit code ${exit.code} after ${exitedAfterMs.toFixed(0)} ms`,
    );
  });
});

describe('when the server receives SIGTERM with SHUTDOWN_DRAIN_DELAY_MS (the drain, for load balancers)', () => {
  it('answers /health/ready 503 at once, serves everything else for the delay, each response closing its connection, then stops accepting and exits 0', async () => {
    const drainDelayMs = 1_500;
    const server = await startApiServer({ SHUTDOWN_DRAIN_DELAY_MS: String(drainDelayMs) });
    expect((await health(server.url, '/health/ready')).status).toBe(200);

    const signalledAt = performance.now();
    server.signal('SIGTERM');
    let ready = { status: 0, body: {} as Record<string, any> };
    await waitFor(async () => (ready = await health(server.url, '/health/ready')).status === 503, '/health/ready to answer 503', 1_000);
    const unreadyAfterMs = performance.now() - signalledAt;
    expect(ready.body).toEqual({ status: 'unavailable', reason: 'shutting down' });

    // Still served during the drain: on a new connection and on a kept-alive one, each answer
    // telling the client to close its connection (it reconnects, elsewhere once the balancer
    // has taken this instance out). The liveness probe stays 200: nothing must restart it.
    const onNewConnection = await graphqlOnce(server.url, LIST);
    expect(onNewConnection).toMatchObject({ status: 200, headers: { connection: 'close' } });
    expect(onNewConnection.body.errors).toBeUndefined();
    const onKeptAlive = await graphql(server.url, LIST);
    expect(onKeptAlive.status).toBe(200);
    expect(onKeptAlive.headers.get('connection')).toBe('close');
    expect((await health(server.url, '/health/live')).status).toBe(200);
    expect(await connectOnce(server.url)).toBe('accepted');
    expect(server.hasExited()).toBe(false);
    const servedUntilMs = performance.now() - signalledAt;

    // Then it stops accepting, not before the delay, and exits 0.
    await waitFor(async () => (await connectOnce(server.url)) === 'ECONNREFUSED', 'new connections to be refused', drainDelayMs + 3_000);
    const refusedAfterMs = performance.now() - signalledAt;
    expect(refusedAfterMs).toBeGreaterThanOrEqual(drainDelayMs);
    expect(await exitWithin(server, 3_000)).toEqual({ code: 0, signal: null });
    const exitedAfterMs = performance.now() - signalledAt;

    // Its log says when each step came.
    const logged = (prefix: string) => server.logs().find((line) => line.msg.startsWith(prefix));
    const draining = logged('draining: /health/ready answers 503');
    const closing = logged('shutting down: refusing new requests');
    expect(draining).toMatchObject({ signal: 'SIGTERM', drainDelayMs });
    expect(closing).toMatchObject({ signal: 'SIGTERM' });
    expect(logged('stopped')).toMatchObject({ level: 30 });
    // Timestamps have millisecond precision; the timer never fires early.
    expect(Date.parse(closing!.time as string) - Date.parse(draining!.time as string)).toBeGreaterThanOrEqual(drainDelayMs - 1);
    console.info(
      `SIGTERM with SHUTDOWN_DRAIN_DELAY_MS=${drainDelayMs}: /health/ready 503 after ${unreadyAfterMs.toFixed(0)} ms, ` +
        `requests served until ${servedUntilMs.toFixed(0)} ms, new connections refused after ${refusedAfterMs.toFixed(0)} ms, ` +
        `exit 0 after ${exitedAfterMs.toFixed(0)} ms`,
    );
  });

  it('ends the process at once (exit 1) on a second signal during the drain', async () => {
    const server = await startApiServer({ SHUTDOWN_DRAIN_DELAY_MS: '60000' });
    server.signal('SIGTERM');
    await server.waitForLog((line) => line.msg.startsWith('draining'), 'the drain to begin', 5_000);

    const secondAt = performance.now();
    server.signal('SIGINT');
    expect(await exitWithin(server, 3_000)).toEqual({ code: 1, signal: null });
    expect(messages(server)).toContain('second signal: exiting now');
    expect(messages(server)).not.toContain('shutting down: refusing new requests, finishing in-flight ones');
    console.info(`second signal during a 60 s drain: exit 1 after ${(performance.now() - secondAt).toFixed(0)} ms`);
  });
});
