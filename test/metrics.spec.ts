import { graphql } from './support/graphql-client';
import { ifSetUp } from './support/if-set-up';
import { sample, scrape } from './support/metrics';
import { lockSessionsTable, releaseTableLocks, serverQueriesWaitingOnLocks } from './support/table-lock';
import { proxiedDatabase, type ProxiedDatabase } from './support/proxied-database';
import { startTestApp, type TestApp } from './support/test-app';
import { AUDIENCE, bearer, ISSUER, newSecret, secretKey, signToken } from './support/tokens';
import { waitFor } from './support/wait-for';

/**
 * Every outcome, label and reason docs/operations.md lists for /metrics, made to happen and read
 * back: the names and values are the documentation's, written out here.
 */

const LIST = '{ interviewSessions(first: 1) { nodes { id } } }';
const requests = (text: string, operation: string, outcome: string) =>
  sample(text, 'graphql_requests_total', `{operation="${operation}",outcome="${outcome}"}`) ?? 0;
const destroyed = (text: string, reason: string) => sample(text, 'db_pool_connections_destroyed_total', `{reason="${reason}"}`) ?? 0;

let app: TestApp | undefined;
afterEach(async () => {
  await releaseTableLocks();
  await app?.stop();
  app = undefined;
});

describe('request outcomes', () => {
  let proxied: ProxiedDatabase;
  beforeAll(async () => {
    proxied = await proxiedDatabase();
  });
  afterAll(() => ifSetUp(proxied)?.close());

  it('counts a request the database could not serve as database_unavailable, and in graphql_database_unavailable_total', async () => {
    const { db, proxy } = proxied;
    app = await startTestApp({ DB_POOL_MIN: '0' }, { db, proxy });
    await proxy.setMode('refuse');
    proxy.cutAll(); // the pool's open connections too
    try {
      expect((await graphql(app.url, 'query Unserved { interviewSessions { nodes { id } } }')).status).toBe(503);
    } finally {
      await proxy.setMode('pass');
    }
    const text = await scrape(app.url);
    expect(requests(text, 'Unserved', 'database_unavailable')).toBe(1);
    expect(sample(text, 'graphql_database_unavailable_total')).toBe(1);
  });

  it('counts an unexpected failure as internal', async () => {
    app = await startTestApp({ NODE_ENV: 'production', AUTH_MODE: 'none' });
    await app.db.query('alter table interview_session rename column title to headline');
    expect((await graphql(app.url, 'query Broken { interviewSessions { nodes { title } } }')).status).toBe(200);
    expect(requests(await scrape(app.url), 'Broken', 'internal')).toBe(1);
  });

  it('counts a field refused for its scope as forbidden, and as the auth rejection insufficient_scope', async () => {
    const secret = newSecret();
    app = await startTestApp({ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: secret, AUTH_JWT_ISSUER: ISSUER, AUTH_JWT_AUDIENCE: AUDIENCE });
    const writeOnly = await signToken(secretKey(secret), { claims: { scope: 'sessions:write' } });
    expect((await graphql(app.url, 'query NotMine { interviewSessions { nodes { id } } }', undefined, bearer(writeOnly))).status).toBe(403);
    const text = await scrape(app.url);
    expect(requests(text, 'NotMine', 'forbidden')).toBe(1);
    expect(sample(text, 'graphql_auth_rejections_total', '{reason="insufficient_scope"}')).toBe(1);
  });

  it('labels operations by name up to 200 of them, every name after as other', async () => {
    app = await startTestApp();
    for (let n = 0; n < 200; n++) await graphql(app.url, `query Named${n} { __typename }`);
    await graphql(app.url, 'query OneTooMany { __typename }');
    const text = await scrape(app.url);
    expect(requests(text, 'Named199', 'ok')).toBe(1);
    expect(requests(text, 'OneTooMany', 'ok')).toBe(0);
    expect(requests(text, 'other', 'ok')).toBe(1);
  });
});

describe('limits', () => {
  it('counts a statement PostgreSQL cancelled at DB_STATEMENT_TIMEOUT_MS under limit="statement_timeout"', async () => {
    app = await startTestApp({ DB_STATEMENT_TIMEOUT_MS: '200', DB_QUERY_TIMEOUT_MS: '5000' });
    await lockSessionsTable(app.db.url);
    const response = await graphql(app.url, LIST);
    expect(response.body.errors?.[0]?.extensions?.code).toBe('QUERY_TIMED_OUT');
    expect(sample(await scrape(app.url), 'graphql_limit_rejections_total', '{limit="statement_timeout"}')).toBe(1);
  });
});

describe('why pool connections were closed', () => {
  it('max_lifetime: connections older than DB_POOL_MAX_LIFETIME_MS are replaced', async () => {
    app = await startTestApp({ DB_POOL_MIN: '2', DB_POOL_MAX_LIFETIME_MS: '500', DB_POOL_MAX_LIFETIME_JITTER_MS: '0' });
    const current = app;
    await waitFor(async () => {
      await graphql(current.url, LIST);
      return destroyed(await scrape(current.url), 'max_lifetime') >= 1;
    }, 'a connection to reach its lifetime and be replaced');
  });

  it('query_timeout: a query past DB_QUERY_TIMEOUT_MS takes its connection with it', async () => {
    app = await startTestApp({ DB_QUERY_TIMEOUT_MS: '300', DB_STATEMENT_TIMEOUT_MS: '20000' });
    await lockSessionsTable(app.db.url);
    expect((await graphql(app.url, LIST)).status).toBe(503);
    expect(destroyed(await scrape(app.url), 'query_timeout')).toBeGreaterThanOrEqual(1);
  });

  it('shutdown: connections still in use at the shutdown deadline', async () => {
    app = await startTestApp({ DB_STATEMENT_TIMEOUT_MS: '20000', DB_QUERY_TIMEOUT_MS: '20000' });
    const current = app;
    await lockSessionsTable(current.db.url);
    const blocked = graphql(current.url, LIST);
    await waitFor(async () => (await serverQueriesWaitingOnLocks(current.db)) === 1, 'the query waiting on the lock');
    await current.database.pool.abortQueries(); // what main.ts does at the deadline
    await blocked;
    // The pool destroys the dropped connection when it next hands one out (at shutdown: as it closes).
    await releaseTableLocks();
    await graphql(current.url, LIST);
    await waitFor(async () => destroyed(await scrape(current.url), 'shutdown') === 1, 'the aborted connection to be destroyed');
  });
});
