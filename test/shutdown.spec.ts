import { Client } from 'pg';
import { APPLICATION_NAME } from '../src/database/orm-options';
import { graphql, type GraphQLResponse } from './support/graphql-client';
import { connectOnce, describeOutput, killAllServers, startServer, type ServerProcess } from './support/server-process';
import { startTestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { waitFor } from './support/wait-for';

/**
 * The server as a real process (`node src/main.ts`) receiving real signals. A table lock held by
 * the test keeps a request in flight for as long as the test wants.
 */

const LIST = '{ interviewSessions(first: 5) { nodes { id } } }';

let db: TestDatabase;
let blocker: Client | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
  const migrator = await startTestApp({ DB_POOL_MIN: '0' }, { db });
  await migrator.database.orm.migrator.up();
  await migrator.stop();
});
afterEach(async () => {
  await blocker?.end().catch(() => undefined); // its transaction rolls back: the lock goes
  blocker = undefined;
  await killAllServers();
});
afterAll(async () => {
  await db?.drop();
});

/** The server, on the test database; statements may wait for a lock far longer than the test runs. */
const startApiServer = (env: Record<string, string> = {}) =>
  startServer({
    DATABASE_URL: db.url,
    DB_POOL_MIN: '2',
    DB_STATEMENT_TIMEOUT_MS: '20000',
    DB_QUERY_TIMEOUT_MS: '20000',
    ...env,
  });

/** Another session takes an ACCESS EXCLUSIVE lock on the table: every query on it waits. */
async function lockTheTable(): Promise<Client> {
  blocker = new Client({ connectionString: db.url, application_name: 'test-blocker' });
  await blocker.connect();
  await blocker.query('begin');
  await blocker.query('lock table interview_session in access exclusive mode');
  return blocker;
}

/** Backends of the server on the test database, as PostgreSQL sees them. */
const serverBackends = () =>
  db.query<{ pid: number; wait_event_type: string | null }>(
    `select pid, wait_event_type from pg_stat_activity where datname = current_database() and application_name = $1`,
    [APPLICATION_NAME],
  );

const waitUntilAQueryWaitsOnTheLock = () =>
  waitFor(
    async () => (await serverBackends()).some((backend) => backend.wait_event_type === 'Lock'),
    "the server's query to wait on the table lock",
  );

/** A request that must not reject the test while we are not looking: its outcome, settled. */
function inFlight(server: ServerProcess) {
  const started = performance.now();
  return graphql(server.url, LIST).then(
    (response) => ({ response, error: undefined, ms: performance.now() - started }),
    (error: Error & { cause?: { code?: string } }) => ({ response: undefined as GraphQLResponse | undefined, error, ms: performance.now() - started }),
  );
}

/** Resolves with the exit, or rejects once `ms` have passed, naming what the process printed. */
async function exitWithin(server: ServerProcess, ms: number) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the server did not exit within ${ms} ms\n${describeOutput(server)}`)), ms);
  });
  try {
    return await Promise.race([server.exit, timeout]);
  } finally {
    clearTimeout(timer);
  }
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

describe('when the server receives SIGTERM', () => {
  it('refuses new connections at once, finishes the request in flight, exits 0 and leaves no database session behind', async () => {
    // A deadline far away: the exit must come from the work being done, not from the deadline.
    const server = await startApiServer({ SHUTDOWN_TIMEOUT_MS: '15000' });
    const blocking = await lockTheTable();
    const request = inFlight(server);
    await waitUntilAQueryWaitsOnTheLock();

    const signalledAt = performance.now();
    server.signal('SIGTERM');

    // New connections: refused soon after the signal (the listening socket is closed).
    let lastProbe = '';
    await waitFor(
      async () => (lastProbe = await fetchLive(server.url)).startsWith('connection error'),
      'a new request to /health/live to fail with a connection error',
      2_000,
    );
    const refusedAfterMs = performance.now() - signalledAt;
    expect(lastProbe).toMatch(/^connection error (ECONNREFUSED|ECONNRESET|UND_ERR_SOCKET)$/);
    expect(await connectOnce(server.url)).toBe('ECONNREFUSED');
    expect(refusedAfterMs).toBeLessThan(1_000);

    // The request in flight is still waiting for the lock, and the process waits for it.
    expect(server.hasExited()).toBe(false);
    expect((await serverBackends()).some((backend) => backend.wait_event_type === 'Lock')).toBe(true);

    await blocking.query('commit');
    const { response, error } = await request;
    const answeredAfterMs = performance.now() - signalledAt;
    expect(error).toBeUndefined();
    expect(response).toMatchObject({ status: 200, body: { data: { interviewSessions: { nodes: [] } } } });
    expect(response!.body.errors).toBeUndefined();

    // Nothing is left to do: the process exits now, not when SHUTDOWN_TIMEOUT_MS runs out, even
    // though the client keeps its (keep-alive) connection open, as browsers and proxies do.
    const exit = await exitWithin(server, 3_000);
    const exitedAfterMs = performance.now() - signalledAt;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(server.logs().map((line) => line.msg)).toEqual(
      expect.arrayContaining(['shutting down: refusing new requests, finishing in-flight ones', 'stopped']),
    );
    // The pool was closed before the exit: PostgreSQL has no session of the server left.
    await waitFor(async () => (await serverBackends()).length === 0, 'the server sessions to be gone', 1_000);
    console.info(
      `SIGTERM with a request in flight: new connections refused after ${refusedAfterMs.toFixed(0)} ms, ` +
        `in-flight answered after ${answeredAfterMs.toFixed(0)} ms, exit after ${exitedAfterMs.toFixed(0)} ms`,
    );
  });

  it('exits 0 at once when idle, closing its pooled connections', async () => {
    const server = await startApiServer();
    expect((await graphql(server.url, LIST)).status).toBe(200);
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
  it('does not keep the process alive: the request is cut and the process exits soon after the deadline', async () => {
    const shutdownTimeoutMs = 1_000;
    const server = await startApiServer({ SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs) });
    await lockTheTable(); // held until the test ends: the request would wait 20 s for it
    const request = inFlight(server);
    await waitUntilAQueryWaitsOnTheLock();

    const signalledAt = performance.now();
    server.signal('SIGTERM');
    // The query is still blocked (20 s statement timeout): only the deadline can end this.
    const exit = await exitWithin(server, shutdownTimeoutMs + 2_000);
    const exitedAfterMs = performance.now() - signalledAt;

    expect(exitedAfterMs).toBeGreaterThanOrEqual(shutdownTimeoutMs - 50);
    expect(exit.signal).toBeNull(); // it exited by itself: nothing had to kill it
    expect(server.logs().map((line) => line.msg)).toContain('shutdown deadline passed: closing the remaining connections');
    // The client sees its connection closed, not an answer.
    const { response, error } = await request;
    expect(response).toBeUndefined();
    expect(error).toBeDefined();
    // Once the database lets go of the blocked query, nothing of the server is left on it.
    await blocker!.query('rollback');
    await waitFor(async () => (await serverBackends()).length === 0, 'the server sessions to be gone', 2_000);
    console.info(`SIGTERM with a request stuck past SHUTDOWN_TIMEOUT_MS=${shutdownTimeoutMs}: exit code ${exit.code} after ${exitedAfterMs.toFixed(0)} ms`);
  });
});
