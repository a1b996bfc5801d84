import { join } from 'node:path';
import { APPLICATION_NAME } from '../src/database/pool/pool-options';
import { initDataDir, startPostgres, type PostgresServer } from './support/embedded-postgres-process';
import { expectCleanExitOnSigterm, expectDatabaseUnavailable, expectOk, timed } from './support/expectations';
import { graphql } from './support/graphql-client';
import { health } from './support/health';
import { restartablePort } from './support/ports';
import { stopPostgresOn } from './support/postmasters';
import { killAllServers, startServer, type ServerProcess } from './support/server-process';
import { lockSessionsTable, releaseTableLocks } from './support/table-lock';
import { makeTempFolder, removeTempFolder } from './support/temp-folders';
import { migrateDatabase } from './support/test-app';
import { createDatabaseOn, type TestDatabase } from './support/test-database';
import { waitFor } from './support/wait-for';

/**
 * A real PostgreSQL, owned by this test (its own folder and port), really stopped and started
 * under a real server process: no proxy, no mock. What a database restart, a failover or an
 * administrator killing sessions looks like from the server's side.
 */

const LIST = '{ interviewSessions(first: 5) { nodes { id } } }';
const CREATE = 'mutation { createInterviewSession(input: { title: "Restart", candidateName: "Grace" }) { id } }';

let root: string;
let dataDir: string;
let port: number;
let postgres: PostgresServer | undefined;
let db: TestDatabase;

beforeAll(async () => {
  root = await makeTempFolder('restart-spec-');
  dataDir = join(root, 'data');
  // It restarts on this port: one outgoing connections cannot take meanwhile.
  port = await restartablePort();
  await initDataDir(dataDir);
  postgres = await startPostgres(dataDir, port);
  db = await createDatabaseOn(postgres.url.bind(postgres), 'interview_sessions_restart');
  await migrateDatabase(db);
});
afterEach(async () => {
  await releaseTableLocks();
  await killAllServers();
  // Every test starts with the database up, whatever the previous one left.
  if (!postgres || postgres.hasExited()) postgres = await startPostgres(dataDir, port);
});
afterAll(async () => {
  await killAllServers();
  await postgres?.stop();
  if (dataDir) await stopPostgresOn(dataDir);
  await removeTempFolder(root);
});

const startApiServer = (env: Record<string, string> = {}) => startServer({ DATABASE_URL: db.url, DB_POOL_MIN: '2', ...env });

const stopWithSigterm = (server: ServerProcess) => expectCleanExitOnSigterm(server, 5_000);

/** After a killed backend: the same process, serving reads and writes, nothing on stderr; then an orderly stop. */
async function expectStillServingThenStop(server: ServerProcess): Promise<void> {
  expect(server.hasExited()).toBe(false);
  expectOk(await graphql(server.url, LIST));
  expectOk(await graphql(server.url, CREATE));
  expect(server.stderr()).not.toMatch(/Error|unhandled/i);
  await stopWithSigterm(server);
}

describe('when PostgreSQL stops and starts again under a running server', () => {
  it('answers 503 DATABASE_UNAVAILABLE with Retry-After within 1 s while it is down, and serves the first request once it is back, without a restart', async () => {
    const server = await startApiServer();
    expectOk(await graphql(server.url, LIST));
    expect((await health(server.url, '/health/ready')).status).toBe(200);

    const stopped = await timed(() => postgres!.stop()); // fast shutdown: sessions terminated, server gone

    const down: Record<string, number> = {};
    for (const [name, query] of [
      ['list', LIST],
      ['create', CREATE],
      ['list again', LIST],
    ] as const) {
      const { result, ms } = await timed(() => graphql(server.url, query));
      expectDatabaseUnavailable(result);
      expect(ms).toBeLessThan(1_000);
      down[name] = Math.round(ms);
    }
    const ready = await timed(() => health(server.url, '/health/ready'));
    expect(ready.result).toMatchObject({ status: 503, body: { status: 'unavailable', database: { reason: 'database unreachable' } } });
    expect(ready.ms).toBeLessThan(1_500);
    expect(await health(server.url, '/health/live')).toEqual({ status: 200, body: { status: 'ok' } });

    const restarted = await timed(async () => (postgres = await startPostgres(dataDir, port)));

    // The very first request after PostgreSQL is back: served, no error, same server process.
    const first = await timed(() => graphql(server.url, LIST));
    expectOk(first.result);
    const write = await timed(() => graphql(server.url, CREATE));
    expectOk(write.result);
    expect(await health(server.url, '/health/ready')).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(server.hasExited()).toBe(false);

    await stopWithSigterm(server);
    console.info(
      `PostgreSQL restart: stop took ${stopped.ms.toFixed(0)} ms; while down: 503 in ${JSON.stringify(down)} ms, ` +
        `/health/ready 503 in ${ready.ms.toFixed(0)} ms; PostgreSQL back in ${restarted.ms.toFixed(0)} ms; ` +
        `first read after it ${first.ms.toFixed(0)} ms (200), first write ${write.ms.toFixed(0)} ms (200)`,
    );
  });

  it('serves a write as the very first request once PostgreSQL is back', async () => {
    const server = await startApiServer();
    expectOk(await graphql(server.url, LIST));
    await postgres!.stop();
    expectDatabaseUnavailable(await graphql(server.url, LIST));
    postgres = await startPostgres(dataDir, port);

    const write = await timed(() => graphql(server.url, CREATE));
    expectOk(write.result);
    await stopWithSigterm(server);
    console.info(`PostgreSQL restart: first request a write, ${write.ms.toFixed(0)} ms (200)`);
  });
});

describe("when the server's backend is killed mid-query (pg_terminate_backend)", () => {
  const blockedOnTheLock = () =>
    db.query<{ pid: number; waited_ms: number }>(
      `select pid, (extract(epoch from clock_timestamp() - query_start) * 1000)::float8 as waited_ms from pg_stat_activity
       where datname = current_database() and application_name = $1 and wait_event_type = 'Lock'`,
      [APPLICATION_NAME],
    );
  const countSessions = async () => (await db.query<{ count: number }>('select count(*)::int as count from interview_session'))[0]!.count;

  const lockTheTable = () => lockSessionsTable(db.url);

  /**
   * A read blocked on the lock loses its backend; then the lock goes. The read is documented to
   * be retried once on a fresh connection (src/database/read-retry.ts), so the client gets 200.
   */
  async function killABlockedRead(env: Record<string, string>, killWhen: (waitedMs: number) => boolean) {
    const server = await startApiServer({ DB_STATEMENT_TIMEOUT_MS: '20000', DB_QUERY_TIMEOUT_MS: '20000', ...env });
    expectOk(await graphql(server.url, LIST));
    const blocking = await lockTheTable();
    let answered = false;
    const read = timed(() => graphql(server.url, LIST)).finally(() => (answered = true));

    let victim: { pid: number; waited_ms: number } | undefined;
    await waitFor(async () => {
      victim = (await blockedOnTheLock())[0];
      return victim !== undefined && killWhen(victim.waited_ms);
    }, 'the read to wait on the lock');
    await db.query('select pg_terminate_backend($1)', [victim!.pid]);

    // The read runs again on a fresh backend, which waits on the same lock; or it was answered
    // without that (the assertions on the answer say which).
    await waitFor(
      async () => answered || server.hasExited() || (await blockedOnTheLock()).some((row) => row.pid !== victim!.pid),
      'the read to be retried on a new backend, or answered',
    );
    expect(await health(server.url, '/health/live')).toEqual({ status: 200, body: { status: 'ok' } });
    await blocking.query('commit');

    const { result, ms } = await read;
    // Whatever the answer, the process is alive and serves the next requests.
    await expectStillServingThenStop(server);
    return { result, ms, waitedMs: victim!.waited_ms };
  }

  it('retries a read that had been running a while on a fresh connection: 200 once the lock is released', async () => {
    // Killed once its connection is older than the pre-ping bypass window (200 ms here).
    const { result, waitedMs } = await killABlockedRead({ DB_POOL_PRE_PING_BYPASS_MS: '200' }, (waited) => waited > 400);
    expectOk(result);
    console.info(`backend killed ${waitedMs.toFixed(0)} ms into a blocked read: retried, answered 200 after the lock was released`);
  });

  it('retries a read killed right after it got its connection as well: 200, not 503', async () => {
    // Killed within the pre-ping bypass window (the default is 500 ms; 60 s here, so always).
    const { result, waitedMs } = await killABlockedRead({ DB_POOL_PRE_PING_BYPASS_MS: '60000' }, () => true);
    console.info(
      `backend killed ${waitedMs.toFixed(0)} ms into a blocked read, within the pre-ping bypass window: ` +
        `answered ${result.status} ${result.body.errors?.[0]?.extensions?.code ?? ''}`,
    );
    expectOk(result);
  });

  it('does not retry a write: 503 DATABASE_UNAVAILABLE at once, nothing written, the server keeps serving', async () => {
    const server = await startApiServer({ DB_STATEMENT_TIMEOUT_MS: '20000', DB_QUERY_TIMEOUT_MS: '20000' });
    expectOk(await graphql(server.url, LIST));
    const sessionsBefore = await countSessions();
    const blocking = await lockTheTable();
    const write = timed(() => graphql(server.url, CREATE));

    let victim: number | undefined;
    await waitFor(async () => (victim = (await blockedOnTheLock())[0]?.pid) !== undefined, 'the write to wait on the lock');
    const killedAt = performance.now();
    await db.query('select pg_terminate_backend($1)', [victim]);

    // Its connection died under it: a write may or may not have been applied when that happens,
    // so it is not run again; the client is told to retry.
    const { result } = await write;
    const answeredMs = performance.now() - killedAt;
    expectDatabaseUnavailable(result);
    expect(answeredMs).toBeLessThan(1_000);
    await blocking.query('commit');

    expect(await countSessions()).toBe(sessionsBefore);
    await expectStillServingThenStop(server);
    console.info(`backend killed under a blocked write: 503 DATABASE_UNAVAILABLE ${answeredMs.toFixed(0)} ms after the kill`);
  });
});
