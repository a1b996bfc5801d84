import { APPLICATION_NAME } from '../src/database/pool/pool-options';
import { expectDatabaseUnavailable, expectOk } from './support/expectations';
import { errorCodes, graphql, type GraphQLResponse } from './support/graphql-client';
import { ifSetUp } from './support/if-set-up';
import { sample, scrape } from './support/metrics';
import { lockSessionsTable, releaseTableLocks } from './support/table-lock';
import { migrateDatabase, startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { waitFor } from './support/wait-for';

/**
 * One client cannot take the database away from the others: documents are priced by what they
 * make the database do, a request holds a few connections at most, counts share a slice of the
 * pool, and a statement that runs too long says so. On a table large enough that a count costs
 * tens of milliseconds.
 */

const ROWS = 300_000;
const countAliases = (n: number) =>
  `{ ${Array.from({ length: n }, (_, i) => `a${i}: interviewSessions(first: 1) { totalCount }`).join(' ')} }`;
const PAGE =
  '{ interviewSessions(filter: { status: IN_PROGRESS }, first: 20) { nodes { id title status createdAt } pageInfo { endCursor } } }';

let db: TestDatabase;
let app: TestApp | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
  await migrateDatabase(db);
  await db.query(
    `insert into interview_session (id, title, candidate_name, status, created_at, updated_at)
     select gen_random_uuid(), 'Session ' || g, 'Candidate ' || g, (array['scheduled', 'in_progress', 'completed', 'cancelled'])[1 + g % 4],
            now() - g * interval '1 second', now() - g * interval '1 second'
     from generate_series(1, $1::int) as g`,
    [ROWS],
  );
  await db.query('analyze interview_session');
}, 60_000);
afterEach(async () => {
  await releaseTableLocks();
  await app?.stop();
  app = undefined;
});
afterAll(() => ifSetUp(db)?.drop());

const start = (env: Record<string, string> = {}, logLines?: string[]) => startTestApp(env, { db, logLines });
const metric = async (name: string, labels = '') => sample(await scrape(app!.url), name, labels) ?? Number.NaN;

/** Client backends of the server on the test database that are running a statement right now. */
async function busyBackends(): Promise<number> {
  const [row] = await db.query<{ busy: number }>(
    `select count(*)::int as busy from pg_stat_activity
     where datname = current_database() and application_name = $1 and state = 'active' and backend_type = 'client backend'`,
    [APPLICATION_NAME],
  );
  return row!.busy;
}

describe('the cost of a document', () => {
  it('prices a count as a scan: thirty counts in one document are refused before they run (400, QUERY_TOO_COMPLEX)', async () => {
    const lines: string[] = [];
    app = await start({}, lines);
    const response = await graphql(app.url, countAliases(30));
    expect(response.status).toBe(400);
    expect(errorCodes(response)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(response.body.errors![0]!.message).toMatch(/each totalCount costs 900/);
    expect(await metric('graphql_limit_rejections_total', '{limit="cost"}')).toBe(1);
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.msg === 'graphql request');
    expect(logged).toMatchObject({ status: 400, outcome: 'client_error', limit: 'cost' });
  });

  it('accepts up to GRAPHQL_MAX_COST ÷ GRAPHQL_COUNT_COST counts, and pages priced per item', async () => {
    app = await start();
    expectOk(await graphql(app.url, countAliases(5)));
    expect(errorCodes(await graphql(app.url, countAliases(6)))).toEqual(['QUERY_TOO_COMPLEX']);
    // 100 items × (id + title) and the connection: well within the limit; 30 such pages are not.
    expectOk(await graphql(app.url, '{ interviewSessions(first: 100) { nodes { id title } } }'));
    const thirtyPages = `{ ${Array.from({ length: 30 }, (_, i) => `p${i}: interviewSessions(first: 100) { nodes { id title } }`).join(' ')} }`;
    expect(errorCodes(await graphql(app.url, thirtyPages))).toEqual(['QUERY_TOO_COMPLEX']);
  });
});

describe('when one request asks for many reads at once', () => {
  it('holds at most DB_MAX_CONNECTIONS_PER_REQUEST connections; its other reads wait their turn and all are answered', async () => {
    app = await start({ DB_MAX_CONNECTIONS_PER_REQUEST: '2' });
    const lock = await lockSessionsTable(db.url);
    const aliases = Array.from({ length: 10 }, (_, i) => `a${i}: interviewSessions(first: 1) { nodes { id } }`).join(' ');
    const request = graphql(app.url, `{ ${aliases} }`);
    const progress = { answered: false };
    void request.finally(() => (progress.answered = true));

    await waitFor(async () => (await busyBackends()) === 2, 'two of the request’s reads to wait on the locked table');
    let most = 0;
    for (let sample = 0; sample < 20; sample++) most = Math.max(most, await busyBackends());
    expect(most).toBe(2);
    await lock.query('commit');
    while (!progress.answered) most = Math.max(most, await busyBackends());

    const response = await request;
    expectOk(response);
    expect(Object.keys(response.body.data)).toHaveLength(10);
    expect(most).toBeLessThanOrEqual(2);
  });
});

describe('when counts use their whole share of the pool', () => {
  it('makes the next count wait, then refuses it with EXPENSIVE_READS_BUSY (503, Retry-After), holding no connection meanwhile', async () => {
    // A pool of 4 with 25 % for counts: one count at a time.
    app = await start({ DB_POOL_MAX: '4', DB_POOL_MIN: '1', DB_EXPENSIVE_READS_PERCENT: '25', DB_EXPENSIVE_READS_WAIT_MS: '300' });
    const lock = await lockSessionsTable(db.url);
    const first = graphql(app.url, '{ interviewSessions { totalCount } }');
    await waitFor(async () => (await metric('db_expensive_reads', '{state="running"}')) === 1, 'the first count to hold the share');

    const second = graphql(app.url, '{ interviewSessions { totalCount } }');
    await waitFor(async () => (await metric('db_expensive_reads', '{state="waiting"}')) === 1, 'the second count to wait');
    expect(await metric('db_pool_connections', '{state="used"}')).toBe(1);

    const refused: GraphQLResponse = await second;
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(errorCodes(refused)).toEqual(['EXPENSIVE_READS_BUSY']);
    await lock.query('commit');
    expectOk(await first);
    expect(await metric('graphql_limit_rejections_total', '{limit="expensive_reads"}')).toBe(1);
    expect(await metric('graphql_requests_total', '{operation="anonymous",outcome="busy"}')).toBe(1);
  });
});

describe('when a statement runs longer than DB_STATEMENT_TIMEOUT_MS', () => {
  it('tells the client its query took too long (QUERY_TIMED_OUT, 200, no Retry-After), not that the database is unavailable', async () => {
    const lines: string[] = [];
    app = await start({ DB_STATEMENT_TIMEOUT_MS: '150' }, lines);
    await lockSessionsTable(db.url);
    const response = await graphql(app.url, PAGE);
    expect(response.status).toBe(200);
    expect(response.headers.get('retry-after')).toBeNull();
    expect(errorCodes(response)).toEqual(['QUERY_TIMED_OUT']);
    expect(JSON.stringify(response.body)).not.toMatch(/statement|cancel|select|postgres/i);
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.msg === 'graphql request');
    expect(logged).toMatchObject({ limit: 'statement_timeout' });
  });

  it('still answers 503 DATABASE_UNAVAILABLE when the database cannot be reached at all', async () => {
    const unreachable = new URL(db.url);
    unreachable.port = '1';
    app = await start({ DATABASE_URL: unreachable.toString() });
    expectDatabaseUnavailable(await graphql(app.url, PAGE));
  });
});

describe('when several clients send the costliest documents the limits accept', () => {
  it('keeps a well-behaved client listing pages without an error, and its latency bounded', async () => {
    app = await start();
    const url = app.url;
    const costliest = countAliases(5);
    expectOk(await graphql(url, costliest));
    const attackersEnd = performance.now() + 4_000;
    const attackerCodes = new Map<string, number>();
    const attacker = async () => {
      while (performance.now() < attackersEnd) {
        const response = await graphql(url, costliest);
        for (const code of response.status === 200 && !response.body.errors ? ['ok'] : errorCodes(response)) {
          attackerCodes.set(code, (attackerCodes.get(code) ?? 0) + 1);
        }
      }
    };
    const latencies: number[] = [];
    const wellBehaved = async () => {
      while (performance.now() < attackersEnd) {
        const started = performance.now();
        expectOk(await graphql(url, PAGE));
        latencies.push(performance.now() - started);
        await new Promise((next) => setTimeout(next, 100)); // its own pace: a page every 100 ms
      }
    };
    await Promise.all([...Array.from({ length: 5 }, attacker), wellBehaved()]);

    latencies.sort((a, b) => a - b);
    const p50 = latencies[Math.floor(latencies.length / 2)]!;
    const worst = latencies.at(-1)!;
    console.info(
      `5 clients sending ${costliest.length}-character documents of 5 counts each over ${ROWS} rows, for 4 s: ` +
        `the well-behaved client listed ${latencies.length} pages, 0 errors, p50 ${p50.toFixed(0)} ms, worst ${worst.toFixed(0)} ms; ` +
        `attackers got ${JSON.stringify(Object.fromEntries(attackerCodes))}`,
    );
    expect(latencies.length).toBeGreaterThan(10);
    expect(worst).toBeLessThan(1_500);
    // The attackers get answers or the codes of the limits, never an internal error.
    expect([...attackerCodes.keys()].every((code) => ['ok', 'EXPENSIVE_READS_BUSY', 'QUERY_TIMED_OUT'].includes(code))).toBe(true);
  });
});
