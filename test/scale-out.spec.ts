import { APPLICATION_NAME } from '../src/database/pool/pool-options';
import { expectDatabaseUnavailable, expectOk } from './support/expectations';
import { graphql, type GraphQLResponse } from './support/graphql-client';
import { ifSetUp } from './support/if-set-up';
import { keyedRequest } from './support/keyed-request';
import { startPgBouncer, type PgBouncer } from './support/pgbouncer';
import { startPrimary, startReplica, waitForReplay, type PostgresCluster, type ReplicaCluster } from './support/postgres-cluster';
import { lockSessionsTable, serverQueriesWaitingOnLocks } from './support/table-lock';
import { startTestApp, type TestApp } from './support/test-app';
import { createDatabaseOn, type TestDatabase } from './support/test-database';
import { waitFor } from './support/wait-for';

const CREATE = 'mutation ($title: String!) { createInterviewSession(input: { title: $title, candidateName: "c" }) { id } }';
const LIST = '{ interviewSessions(first: 100) { totalCount nodes { id title } } }';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

async function startMigratedApp(env: Record<string, string>, db: TestDatabase, logLines?: string[]): Promise<TestApp> {
  const started = await startTestApp(env, { db, logLines });
  await started.database.orm.migrator.up();
  return started;
}

const createSession = async (title: string) => {
  const response = await graphql(app!.url, CREATE, { title });
  expectOk(response);
  return response.body.data.createInterviewSession.id as string;
};

describe('the connection budget check at start', () => {
  it('warns when DB_POOL_MAX × EXPECTED_INSTANCES does not fit in max_connections', async () => {
    const lines: string[] = [];
    app = await startTestApp({ DB_POOL_MIN: '1', DB_POOL_MAX: '50', EXPECTED_INSTANCES: '10' }, { logLines: lines });
    const warning = lines.map((line) => JSON.parse(line)).find((line) => line.msg.startsWith('connection budget exceeded'));
    expect(warning).toMatchObject({ level: 40, needed: 500, poolMax: 50, expectedInstances: 10 });
    expect(warning.available).toBeLessThan(500);
    expect(warning.msg).toMatch(/DB_POOL_MAX \(50\) × EXPECTED_INSTANCES \(10\) = 500 connections, but PostgreSQL has room for \d+/);
  });

  it('says it fits with the defaults', async () => {
    const lines: string[] = [];
    app = await startTestApp({}, { logLines: lines });
    expect(lines.map((line) => JSON.parse(line).msg)).toContain('connection budget fits');
  });
});

describe('behind PgBouncer in transaction pooling mode', () => {
  let primary: PostgresCluster;
  let bouncer: PgBouncer;
  let db: TestDatabase;
  beforeAll(async () => {
    primary = await startPrimary();
    db = await createDatabaseOn(primary.url, 'bounced');
    bouncer = await startPgBouncer({
      targetPort: primary.port,
      // Fail fast while the database is away, instead of holding clients for minutes.
      settings: { query_wait_timeout: 1, server_connect_timeout: 1, server_login_retry: 1 },
    });
  });
  afterAll(async () => {
    await ifSetUp(bouncer)?.stop();
    await ifSetUp(primary)?.destroy();
  });

  it('serves the whole API, with DB_TRANSACTION_POOLING=true', async () => {
    app = await startMigratedApp({ DB_TRANSACTION_POOLING: 'true' }, { ...db, url: bouncer.urlFor(db.url) });
    const ids = await Promise.all(Array.from({ length: 10 }, (_, n) => createSession(`bounced ${n}`)));
    const mutate = (mutation: string, id: string, extra = '') =>
      graphql(
        app!.url,
        `mutation ($id: ID!) { ${mutation}(id: $id${extra}) ${mutation === 'deleteInterviewSession' ? '' : '{ status title }'} }`,
        { id },
      );

    // Every mutation, concurrent status changes included (row locks in transactions).
    expectOk(await mutate('updateInterviewSession', ids[0]!, ', input: { title: "renamed" }'));
    const starts = await Promise.all(Array.from({ length: 5 }, () => mutate('startInterviewSession', ids[0]!)));
    expect(starts.filter((response) => !response.body.errors)).toHaveLength(1);
    expect(starts.flatMap((response) => response.body.errors ?? []).map((error) => error.extensions?.code)).toEqual(
      Array(4).fill('INVALID_STATUS_TRANSITION'),
    );
    expectOk(await mutate('completeInterviewSession', ids[0]!));
    expectOk(await mutate('cancelInterviewSession', ids[1]!));
    expect((await mutate('deleteInterviewSession', ids[2]!)).body.data).toEqual({ deleteInterviewSession: true });
    expect((await mutate('startInterviewSession', '01890a5d-ac96-774b-bcce-b302099a8057')).body.errors?.[0]?.extensions?.code).toBe(
      'NOT_FOUND',
    );

    // Reads: a lookup, and keyset pages that add up to every row exactly once.
    const one = await graphql(app.url, 'query ($id: ID!) { interviewSession(id: $id) { title status } }', { id: ids[0] });
    expect(one.body.data.interviewSession).toEqual({ title: 'renamed', status: 'COMPLETED' });
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await graphql(
        app.url,
        'query ($after: String) { interviewSessions(first: 4, after: $after) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } }',
        { after },
      );
      expectOk(page);
      expect(page.body.data.interviewSessions.totalCount).toBe(9);
      seen.push(...page.body.data.interviewSessions.nodes.map((node: { id: string }) => node.id));
      after = page.body.data.interviewSessions.pageInfo.hasNextPage ? page.body.data.interviewSessions.pageInfo.endCursor : undefined;
    } while (after);
    expect(seen.sort()).toEqual(ids.filter((id) => id !== ids[2]).sort());

    const pools = await bouncer.admin<{ database: string }>('SHOW POOLS');
    expect(pools.map((pool) => pool.database)).toContain('bounced');
  });

  it('answers 503 while the database behind it is down, and heals when it is back', async () => {
    app = await startMigratedApp({ DB_TRANSACTION_POOLING: 'true' }, { ...db, url: bouncer.urlFor(db.url) });
    expectOk(await graphql(app.url, LIST));

    await primary.stop();
    expectDatabaseUnavailable(await graphql(app.url, LIST));

    await primary.start();
    await waitFor(async () => (await graphql(app!.url, LIST)).status === 200, 'the first successful request through PgBouncer');
    expectOk(await graphql(app.url, LIST));
  });

  it('keeps Idempotency-Keys and version checks: a replay, a key in use, one winner of two concurrent edits', async () => {
    app = await startMigratedApp({ DB_TRANSACTION_POOLING: 'true' }, { ...db, url: bouncer.urlFor(db.url) });
    const current = app;
    const create = (key: string) =>
      keyedRequest(
        current.url,
        'mutation { createInterviewSession(input: { title: "Bounced", candidateName: "Ada" }) { id } }',
        undefined,
        key,
      );

    const first = await create('bounced-key');
    const replay = await create('bounced-key');
    expect([first.replayed, replay.replayed, replay.text]).toEqual([false, true, first.text]);

    const blocker = await lockSessionsTable(db.url);
    try {
      const held = create('held-key');
      await waitFor(async () => (await serverQueriesWaitingOnLocks(db)) === 1, 'the first request waiting on the table lock');
      expect((await create('held-key')).status).toBe(409);
      await blocker.query('commit');
      expect((await held).status).toBe(200);
    } finally {
      await blocker.end();
    }

    const id = first.body.data.createInterviewSession.id;
    const edits = await Promise.all(
      ['one', 'two'].map((title) =>
        graphql(
          current.url,
          'mutation ($id: ID!, $title: String) { updateInterviewSession(id: $id, input: { title: $title }, expectedVersion: 1) { version } }',
          {
            id,
            title,
          },
        ),
      ),
    );
    expect(edits.map((edit) => edit.body.errors?.[0]?.extensions?.code ?? 'ok').sort()).toEqual(['VERSION_CONFLICT', 'ok']);
  });
});

describe('with read replicas (DATABASE_REPLICA_URLS)', () => {
  let primary: PostgresCluster;
  let replica: ReplicaCluster;
  let db: TestDatabase;
  beforeAll(async () => {
    primary = await startPrimary();
    db = await createDatabaseOn(primary.url, 'replicated');
    replica = await startReplica(primary);
  });
  afterAll(async () => {
    await ifSetUp(replica)?.destroy();
    await ifSetUp(primary)?.destroy();
  });

  const startReplicatedApp = (env: Record<string, string> = {}) =>
    startMigratedApp(
      { DATABASE_REPLICA_URLS: replica.url('replicated'), DB_REPLICA_MAX_LAG_SECONDS: '1', DB_REPLICA_CHECK_INTERVAL_MS: '200', ...env },
      db,
    );

  /** The last statement each of the server's backends ran on a cluster. */
  const serverQueries = async (cluster: PostgresCluster) =>
    (
      await cluster.query<{ query: string }>(
        `select query from pg_stat_activity where datname = 'replicated' and application_name = $1`,
        [APPLICATION_NAME],
        'replicated',
      )
    ).map((row) => row.query);

  it('reads from the replica and writes to the primary', async () => {
    app = await startReplicatedApp();
    const id = await createSession('written on the primary');
    await waitForReplay(primary, replica);

    const list = await graphql(app.url, LIST);
    expectOk(list);
    expect(list.body.data.interviewSessions.nodes.map((node: { id: string }) => node.id)).toContain(id);

    // pg_stat_activity keeps only each backend's last statement, and the replica check (every
    // 200 ms, on the same pool) may overwrite the list's: list again until one shows.
    await waitFor(async () => {
      expectOk(await graphql(app!.url, LIST));
      return (await serverQueries(replica)).some((query) => /^select .* from interview_session/.test(query));
    }, 'a list to show among the replica backends');
    expect((await serverQueries(replica)).some((query) => /insert|update|delete|begin|commit/i.test(query))).toBe(false);
    expect((await serverQueries(primary)).some((query) => /insert into|commit/i.test(query))).toBe(true);
    const ready = await fetch(`${app.url}/health/ready`);
    expect(await ready.json()).toMatchObject({ replicas: [{ name: 'replica-1', status: 'ok' }] });
  });

  it('reads its own write from the primary within a request, while other requests read the replica', async () => {
    // A replica allowed to lag an hour stays in use while its replay is paused.
    app = await startReplicatedApp({ DB_REPLICA_MAX_LAG_SECONDS: '3600' });
    const current = app;
    const id = await createSession('with feedback');
    expectOk(await graphql(current.url, 'mutation ($id: ID!) { startInterviewSession(id: $id) { id } }', { id }));
    await waitForReplay(primary, replica);
    const feedbackCount = async (response: Promise<GraphQLResponse>) => {
      const answered = await response;
      expectOk(answered);
      return answered.body.data;
    };
    await replica.pauseReplay();
    try {
      // One request writes, then reads through the session it wrote to: the read sees the write.
      const written = await feedbackCount(
        graphql(
          current.url,
          `
            mutation ($id: ID!) {
              addInterviewFeedback(sessionId: $id, input: { interviewerName: "Grace", rating: 5 }) {
                session {
                  feedback {
                    totalCount
                  }
                  averageRating
                }
              }
            }
          `,
          { id },
        ),
      );
      expect(written).toEqual({ addInterviewFeedback: { session: { feedback: { totalCount: 1 }, averageRating: 5 } } });
      // Another request reads the replica, which has not replayed the write yet.
      const other = await feedbackCount(
        graphql(current.url, 'query ($id: ID!) { interviewSession(id: $id) { feedback { totalCount } } }', { id }),
      );
      expect(other).toEqual({ interviewSession: { feedback: { totalCount: 0 } } });
    } finally {
      await replica.resumeReplay();
    }
  });

  it('skips a replica that lags beyond DB_REPLICA_MAX_LAG_SECONDS: reads see the primary', async () => {
    app = await startReplicatedApp();
    await replica.pauseReplay();
    try {
      await createSession('not replayed yet');
      await waitFor(
        async () => {
          const body = (await (await fetch(`${app!.url}/health/ready`)).json()) as { replicas: { status: string }[] };
          return body.replicas[0]!.status === 'lagging';
        },
        'the replica to be seen lagging',
        15_000,
      );
      await createSession('written while the replica lags');

      const list = await graphql(app.url, LIST);
      expect(list.body.data.interviewSessions.nodes.map((node: { title: string }) => node.title)).toContain(
        'written while the replica lags',
      );
      const metrics = await (await fetch(`${app.url}/metrics`)).text();
      expect(metrics).toMatch(/db_replica_up\{replica="replica-1",status="lagging"\} 0/);
    } finally {
      await replica.resumeReplay();
    }
  });

  it('keeps answering reads with 200 when the replica stops, from the primary', async () => {
    app = await startReplicatedApp();
    expectOk(await graphql(app.url, LIST));

    await replica.stop();
    try {
      const reads = await Promise.all(Array.from({ length: 10 }, () => graphql(app!.url, LIST)));
      reads.forEach(expectOk);
      await waitFor(async () => {
        const body = (await (await fetch(`${app!.url}/health/ready`)).json()) as { status: string; replicas: { status: string }[] };
        return body.status === 'ok' && body.replicas[0]!.status === 'down';
      }, 'readiness to show the replica down');
    } finally {
      await replica.start();
    }
  });
});
