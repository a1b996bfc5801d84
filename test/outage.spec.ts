import { APPLICATION_NAME } from '../src/database/pool/pool-options';
import { expectDatabaseUnavailable, expectOk, timed } from './support/expectations';
import { graphql } from './support/graphql-client';
import { health } from './support/health';
import { lockSessionsTable, serverQueriesWaitingOnLocks } from './support/table-lock';
import { proxiedDatabase, type ProxiedDatabase } from './support/proxied-database';
import { type TcpProxy } from './support/tcp-proxy';
import { startTestApp, type TestApp } from './support/test-app';
import { type TestDatabase } from './support/test-database';
import { waitFor } from './support/wait-for';

const LIST = '{ interviewSessions(first: 5) { nodes { id title } } }';
const CREATE = 'mutation { createInterviewSession(input: { title: "t", candidateName: "c" }) { id } }';

let db: TestDatabase;
let proxy: TcpProxy;
let proxied: ProxiedDatabase | undefined;
let app: TestApp | undefined;

beforeAll(async () => {
  proxied = await proxiedDatabase();
  ({ db, proxy } = proxied);
});
afterEach(async () => {
  await app?.stop();
  app = undefined;
  await proxy.setMode('pass');
});
afterAll(() => proxied?.close());

const startServer = async (env: Record<string, string> = {}) => {
  app = await startTestApp(env, { db, proxy });
  return app;
};

/** Kills the server's pooled connections at the database, as a restart or failover would. */
const terminatePoolBackends = () =>
  db.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = $1`, [
    APPLICATION_NAME,
  ]);

describe('when the database refuses connections', () => {
  it('answers 503 DATABASE_UNAVAILABLE with Retry-After within 1 s, keeps serving what needs no database, and heals on the first request', async () => {
    await startServer();
    expectOk(await graphql(app!.url, LIST));

    await proxy.setMode('refuse');
    proxy.cutAll();
    for (const query of [LIST, CREATE]) {
      const { result, ms } = await timed(() => graphql(app!.url, query));
      expectDatabaseUnavailable(result);
      expect(ms).toBeLessThan(1_000);
    }
    expect(await graphql(app!.url, '{ __typename }')).toMatchObject({ status: 200, body: { data: { __typename: 'Query' } } });
    expect(await health(app!.url, '/health/live')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await health(app!.url, '/health/ready')).toMatchObject({
      status: 503,
      body: { status: 'unavailable', database: { status: 'unavailable', reason: 'database unreachable' } },
    });

    await proxy.setMode('pass');
    expectOk(await graphql(app!.url, LIST));
    expect(await health(app!.url, '/health/ready')).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('starts anyway, says it is not ready, and serves once the database appears, without a restart', async () => {
    await proxy.setMode('refuse');
    await startServer();

    expect((await health(app!.url, '/health/ready')).status).toBe(503);
    expectDatabaseUnavailable(await graphql(app!.url, LIST));

    await proxy.setMode('pass');
    expectOk(await graphql(app!.url, LIST));
    expectOk(await graphql(app!.url, CREATE));
  });
});

describe('when the database accepts connections and never answers', () => {
  it('answers 503 within 5 s, and heals once it answers again', async () => {
    await startServer();
    expectOk(await graphql(app!.url, LIST));

    await proxy.setMode('hang');
    proxy.cutAll();
    const responses = await Promise.all([LIST, CREATE, LIST].map((query) => timed(() => graphql(app!.url, query))));
    for (const { result, ms } of responses) {
      expectDatabaseUnavailable(result);
      expect(ms).toBeLessThan(5_000);
    }
    const ready = await timed(() => health(app!.url, '/health/ready'));
    expect(ready.result.status).toBe(503);
    expect(ready.ms).toBeLessThan(1_500);

    await proxy.setMode('pass');
    expectOk(await graphql(app!.url, LIST));
  });
});

describe('when the network silently drops every pooled connection', () => {
  it('serves the next 20 requests, each within 5 s', async () => {
    await startServer();
    await Promise.all(Array.from({ length: 20 }, () => graphql(app!.url, LIST)));
    expect(proxy.openConnections()).toBeGreaterThanOrEqual(5);

    await proxy.setMode('stall'); // every open flow goes silent; new connections pass

    const responses = await Promise.all(Array.from({ length: 20 }, () => timed(() => graphql(app!.url, LIST))));
    for (const { result, ms } of responses) {
      expectOk(result);
      expect(ms).toBeLessThan(5_000);
    }
  });

  it('drops the idle connections as old as a dead one without pinging each (bulk eviction)', async () => {
    // Every checkout pings (no bypass window), and the pool holds 6 connections, all idle.
    await startServer({ DB_POOL_MIN: '6', DB_POOL_MAX: '6', DB_POOL_PRE_PING_BYPASS_MS: '0' });
    await Promise.all(Array.from({ length: 12 }, () => graphql(app!.url, LIST)));
    await proxy.setMode('stall');

    // One after the other: the first request pays one ping timeout (500 ms), not six.
    const { ms } = await timed(async () => {
      for (let n = 0; n < 10; n++) expectOk(await graphql(app!.url, LIST));
    });
    expect(ms).toBeLessThan(1_500);
    const metrics = await (await fetch(`${app!.url}/metrics`)).text();
    const destroyed = (reason: string) => Number(new RegExp(`destroyed_total\\{reason="${reason}"\\} (\\d+)`).exec(metrics)?.[1] ?? 0);
    expect(destroyed('pre_ping_failed')).toBeLessThanOrEqual(2);
    expect(destroyed('distrusted')).toBeGreaterThanOrEqual(4);
    expect(destroyed('pre_ping_failed') + destroyed('distrusted')).toBe(6);
  });
});

describe('when every connection is reset or killed at once', () => {
  it('serves requests fired at that same moment and after it', async () => {
    await startServer();
    await Promise.all(Array.from({ length: 10 }, () => graphql(app!.url, LIST)));

    proxy.cutAll();
    const during = await Promise.all(Array.from({ length: 20 }, () => graphql(app!.url, LIST)));
    during.forEach(expectOk);

    const [killed, ...firedWithTheKill] = await Promise.all([
      terminatePoolBackends(),
      ...Array.from({ length: 20 }, () => graphql(app!.url, LIST)),
    ]);
    expect(killed.length).toBeGreaterThan(0);
    firedWithTheKill.forEach(expectOk);
    const after = await Promise.all(Array.from({ length: 20 }, () => graphql(app!.url, LIST)));
    after.forEach(expectOk);
  });
});

describe('when the pool is exhausted', () => {
  it('answers 503 to the requests that wait past the acquire timeout, stays healthy, and leaks nothing', async () => {
    await startServer({
      DB_POOL_MIN: '1',
      DB_POOL_MAX: '2',
      DB_POOL_ACQUIRE_TIMEOUT_MS: '500',
      DB_STATEMENT_TIMEOUT_MS: '20000',
      DB_QUERY_TIMEOUT_MS: '20000',
    });
    const knexPool = app!.database.orm.em.getConnection().getKnex().client.pool;
    const blocker = await lockSessionsTable(db.url);
    try {
      const slow = Promise.all(Array.from({ length: 20 }, () => timed(() => graphql(app!.url, LIST))));
      // Every request that got no connection has given up once nothing waits for one any more.
      await waitFor(() => knexPool.numUsed() === 2 && knexPool.numPendingAcquires() === 0, 'the waiting requests to give up');
      const live = await timed(() => health(app!.url, '/health/live'));
      expect(live.result.status).toBe(200);
      expect(live.ms).toBeLessThan(500);
      await blocker.query('commit');

      const responses = await slow;
      const statuses = responses.map(({ result }) => result.status).sort();
      expect(statuses).toEqual([...Array(2).fill(200), ...Array(18).fill(503)]);
      responses
        .filter(({ result }) => result.status === 503)
        .forEach(({ result, ms }) => {
          expectDatabaseUnavailable(result);
          expect(ms).toBeLessThan(2_000);
        });
    } finally {
      await blocker.end();
    }
    expect([knexPool.numUsed(), knexPool.numPendingAcquires(), knexPool.numPendingCreates()]).toEqual([0, 0, 0]);
    expectOk(await graphql(app!.url, LIST));
  });
});

describe('when PostgreSQL cancels a statement an administrator named (57014, pg_cancel_backend)', () => {
  it('answers 503 DATABASE_UNAVAILABLE with Retry-After, and serves the next request', async () => {
    await startServer({ DB_STATEMENT_TIMEOUT_MS: '20000', DB_QUERY_TIMEOUT_MS: '20000' });
    const blocker = await lockSessionsTable(db.url);
    try {
      const cancelled = graphql(app!.url, LIST);
      await waitFor(async () => (await serverQueriesWaitingOnLocks(db)) === 1, "the server's query waiting on the lock");
      await db.query(
        `select pg_cancel_backend(pid) from pg_stat_activity where datname = current_database() and application_name = $1 and wait_event_type = 'Lock'`,
        [APPLICATION_NAME],
      );
      expectDatabaseUnavailable(await cancelled);
    } finally {
      await blocker.end();
    }
    expectOk(await graphql(app!.url, LIST));
  });
});

describe('when a write outlives DB_QUERY_TIMEOUT_MS (the client-side timeout)', () => {
  it('answers 503 DATABASE_UNAVAILABLE, does not retry it, writes nothing, and serves the next request', async () => {
    await startServer({ DB_QUERY_TIMEOUT_MS: '300', DB_STATEMENT_TIMEOUT_MS: '20000' });
    const blocker = await lockSessionsTable(db.url);
    try {
      expectDatabaseUnavailable(
        await graphql(app!.url, 'mutation { createInterviewSession(input: { title: "timed out", candidateName: "c" }) { id } }'),
      );
    } finally {
      await blocker.end();
    }
    expect(await db.query(`select id from interview_session where title = 'timed out'`)).toEqual([]);
    expectOk(await graphql(app!.url, LIST));
  });
});
