import { APPLICATION_NAME } from '../src/database/pool/pool-options';
import { graphql } from './support/graphql-client';
import { lockSessionsTable } from './support/table-lock';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

const LIST = '{ interviewSessions(first: 5) { nodes { id } } }';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

/** Backend pids of the server's pool, as PostgreSQL sees them. */
async function poolBackends(current: TestApp): Promise<number[]> {
  const rows = await current.db.query<{ pid: number }>(
    `select pid from pg_stat_activity where datname = current_database() and application_name = $1 order by pid`,
    [APPLICATION_NAME],
  );
  return rows.map((row) => row.pid);
}

async function expectAllSucceed(requests: number): Promise<void> {
  const responses = await Promise.all(Array.from({ length: requests }, () => graphql(app!.url, LIST)));
  expect(responses.map((response) => [response.status, response.body.errors?.[0]?.extensions?.code])).toEqual(
    Array(requests).fill([200, undefined]),
  );
}

describe('the connection pool', () => {
  it('keeps DB_POOL_MIN connections open from the start and never opens more than DB_POOL_MAX', async () => {
    app = await startTestApp({
      DB_POOL_MIN: '2',
      DB_POOL_MAX: '4',
      DB_POOL_ACQUIRE_TIMEOUT_MS: '20000',
      DB_STATEMENT_TIMEOUT_MS: '20000',
      DB_QUERY_TIMEOUT_MS: '20000',
    });
    const current = app;
    expect(await poolBackends(current)).toHaveLength(2);

    // Another session holds the table lock, so every request keeps its connection while more queue up.
    const blocker = await lockSessionsTable(current.db.url);
    try {
      const requests = Promise.all(Array.from({ length: 12 }, () => graphql(current.url, LIST)));
      const pool = current.database.orm.em.getConnection().getKnex().client.pool;
      // Four requests hold the four connections, waiting on the lock; the other eight wait for one.
      await waitFor(async () => {
        const [row] = await current.db.query<{ count: number }>(
          `select count(*)::int as count from pg_stat_activity
           where datname = current_database() and application_name = $1 and wait_event_type = 'Lock'`,
          [APPLICATION_NAME],
        );
        return row!.count === 4 && pool.numPendingAcquires() === 8;
      }, 'four requests holding pool connections, blocked on the lock, and eight waiting for one');
      expect(await poolBackends(current)).toHaveLength(4);
      await blocker.query('commit');

      const responses = await requests;
      expect(responses.every((response) => response.status === 200 && !response.body.errors)).toBe(true);
    } finally {
      await blocker.end();
    }
  });

  it('replaces connections older than DB_POOL_MAX_LIFETIME_MS with new backends', async () => {
    app = await startTestApp({ DB_POOL_MIN: '2', DB_POOL_MAX_LIFETIME_MS: '1000', DB_POOL_MAX_LIFETIME_JITTER_MS: '0' });
    const current = app;
    const original = await poolBackends(current);
    expect(original).toHaveLength(2);

    await waitFor(async () => {
      await expectAllSucceed(2);
      const pids = await poolBackends(current);
      return pids.length > 0 && pids.every((pid) => !original.includes(pid));
    }, 'every original backend to be replaced');
  });

  it('serves every request after all of its connections were killed with pg_terminate_backend', async () => {
    app = await startTestApp({ DB_POOL_MIN: '5' });
    await expectAllSucceed(20);
    const killed = await app.db.query<{ pid: number }>(
      `select pid, pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = $1`,
      [APPLICATION_NAME],
    );
    expect(killed.length).toBeGreaterThanOrEqual(5);

    await expectAllSucceed(20);
    expect((await poolBackends(app)).some((pid) => killed.some((row) => row.pid === pid))).toBe(false);
  });
});
