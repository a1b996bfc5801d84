import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { errorCodes, graphql } from './support/graphql-client';
import { sample, scrape } from './support/metrics';
import { startTestApp, type TestApp } from './support/test-app';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const post = (body: string, headers: Record<string, string> = {}) =>
  fetch(`${app!.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

const logged = (lines: string[]) => lines.map((line) => JSON.parse(line) as Record<string, any>);

describe('GET /metrics', () => {
  it('exposes the pool, GraphQL requests by operation and outcome, and process metrics', async () => {
    app = await startTestApp({ DB_POOL_MIN: '2', DB_POOL_MAX: '7' });
    await graphql(app.url, 'query ListSessions { interviewSessions(first: 2) { nodes { id } } }');
    await graphql(app.url, 'query ListSessions { interviewSessions(first: 2) { nodes { id } } }');
    await graphql(app.url, 'query BadFirst { interviewSessions(first: 0) { nodes { id } } }');

    const response = await fetch(`${app.url}/metrics`);
    const text = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(sample(text, 'db_pool_max_connections')).toBe(7);
    expect(sample(text, 'db_pool_connections', '{state="free"}')).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'db_pool_connections', '{state="used"}')).toBe(0);
    expect(sample(text, 'db_pool_pending_acquires')).toBe(0);
    expect(sample(text, 'db_pool_pending_creates')).toBe(0);
    expect(sample(text, 'db_pool_connections_created_total')).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'db_pool_acquire_duration_seconds_count', '{result="ok"}')).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'graphql_requests_total', '{operation="ListSessions",outcome="ok"}')).toBe(2);
    expect(sample(text, 'graphql_requests_total', '{operation="BadFirst",outcome="client_error"}')).toBe(1);
    expect(sample(text, 'graphql_request_duration_seconds_count', '{operation="ListSessions",outcome="ok"}')).toBe(2);
    expect(sample(text, 'graphql_database_unavailable_total')).toBe(0);
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it("counts destroyed connections by reason, and logs the driver's own warning through the same logger", async () => {
    const lines: string[] = [];
    app = await startTestApp({ DB_POOL_MIN: '2' }, { logLines: lines });
    await app.db.query(
      `select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = 'interview-sessions-api'`,
    );
    expect((await graphql(app.url, '{ interviewSessions { nodes { id } } }')).status).toBe(200);
    const text = await (await fetch(`${app.url}/metrics`)).text();
    expect(text).toMatch(/db_pool_connections_destroyed_total\{reason="(connection_lost|pre_ping_failed|distrusted)"\} [1-9]/);
    expect(logged(lines)).toContainEqual(
      expect.objectContaining({ level: 40, component: 'knex', msg: expect.stringMatching(/^Connection Error/) }),
    );
  });
});

describe('request ids and logs', () => {
  it('echoes a usable x-request-id, makes one up otherwise, and logs one line per request', async () => {
    const lines: string[] = [];
    app = await startTestApp({}, { logLines: lines });

    const given = await post(JSON.stringify({ query: 'query Named { __typename }' }), { 'x-request-id': 'abc-123' });
    const made = await post(JSON.stringify({ query: '{ __typename }' }));
    const junk = await post(JSON.stringify({ query: '{ __typename }' }), { 'x-request-id': 'x'.repeat(500) });

    expect(given.headers.get('x-request-id')).toBe('abc-123');
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(junk.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const requests = logged(lines).filter((line) => line.msg === 'graphql request');
    expect(requests).toHaveLength(3);
    expect(requests[0]).toMatchObject({ level: 30, requestId: 'abc-123', operation: 'Named', outcome: 'ok', status: 200 });
    expect(typeof requests[0]!.durationMs).toBe('number');
    expect(requests[1]!.requestId).toBe(made.headers.get('x-request-id'));
  });

  it('masks an unexpected error as INTERNAL_SERVER_ERROR with the request id, and logs the detail', async () => {
    const lines: string[] = [];
    app = await startTestApp({ NODE_ENV: 'production', AUTH_MODE: 'none' }, { logLines: lines });
    // A schema that drifted from the code: the query fails inside PostgreSQL.
    await app.db.query('alter table interview_session rename column title to headline');

    const response = await post(JSON.stringify({ query: '{ interviewSessions { nodes { title } } }' }), { 'x-request-id': 'req-42' });
    const body = (await response.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };

    expect(body.errors).toEqual([
      expect.objectContaining({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-42' } }),
    ]);
    expect(JSON.stringify(body)).not.toMatch(/headline|select |does not exist/i);
    const detail = logged(lines).find((line) => line.level === 50 && line.requestId === 'req-42');
    expect(detail?.err?.message).toMatch(/column .*title.* does not exist/);
  });

  it('says clearly at start when migrations are pending on DATABASE_URL', async () => {
    const lines: string[] = [];
    app = await startTestApp({}, { logLines: lines }); // migrates only after the server started
    const warning = logged(lines).find((line) => /migration\(s\) pending/.test(line.msg));
    expect(warning).toMatchObject({ level: 50, pending: expect.arrayContaining([expect.stringMatching(/^Migration\d+/)]) });
    expect(warning!.pending).toHaveLength(
      readdirSync(join(__dirname, '../src/migrations')).filter((file) => /^Migration\d+.*\.ts$/.test(file)).length,
    );
    expect(warning!.msg).toContain('npm run migration:up');
  });

  it('never writes the database password to the logs', async () => {
    const lines: string[] = [];
    app = await startTestApp({ DB_POOL_MIN: '0' }, { logLines: lines });
    await app.stop();
    const url = new URL(app.db.url);
    url.password = 's3cr3t-password';
    url.port = '1'; // nothing listens there: every attempt fails and gets logged
    app = await startTestApp({ DATABASE_URL: url.toString() }, { db: app.db, logLines: lines });
    await graphql(app.url, '{ interviewSessions { nodes { id } } }');
    await fetch(`${app.url}/health/ready`);

    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain('s3cr3t-password');
  });
});

describe('limits on what a request may ask', () => {
  let lines: string[];
  beforeEach(async () => {
    lines = [];
    app = await startTestApp({}, { logLines: lines });
  });

  const LIMITS: Record<string, string> = {
    QUERY_TOO_DEEP: 'depth',
    TOO_MANY_ALIASES: 'aliases',
    QUERY_TOO_LARGE: 'tokens',
    QUERY_TOO_COMPLEX: 'cost',
  };
  /** Refused before execution with `code`; counted and logged under the limit it hit. */
  const expectRejected = async (query: string, code: string) => {
    const response = await graphql(app!.url, query);
    expect(response.status).toBe(400);
    expect(errorCodes(response)).toContain(code);
    expect(response.body.data).toBeUndefined();
    const limit = LIMITS[code];
    expect(sample(await scrape(app!.url), 'graphql_limit_rejections_total', `{limit="${limit}"}`)).toBe(1);
    expect(logged(lines).filter((line) => line.msg === 'graphql request')).toMatchObject([{ status: 400, outcome: 'client_error', limit }]);
  };

  it('rejects a 30-level deep query with QUERY_TOO_DEEP', async () => {
    const chain = 'ofType { '.repeat(28) + 'name' + ' }'.repeat(28);
    await expectRejected(`{ __schema { types { ${chain} } } }`, 'QUERY_TOO_DEEP');
  });

  const session = (fields: string) => `{ interviewSession(id: "01890a5d-ac96-774b-bcce-b302099a8057") { ${fields} } }`;

  it('rejects 2,000 aliases with TOO_MANY_ALIASES', async () => {
    await expectRejected(session(Array.from({ length: 2_000 }, (_, n) => `a${n}: id`).join(' ')), 'TOO_MANY_ALIASES');
  });

  it('rejects 20,000 repeated fields with QUERY_TOO_LARGE, before parsing them all', async () => {
    await expectRejected(session('id '.repeat(20_000)), 'QUERY_TOO_LARGE');
  });

  it('rejects a costly document with QUERY_TOO_COMPLEX', async () => {
    await expectRejected(session('id '.repeat(6_000)), 'QUERY_TOO_COMPLEX');
  });

  it('rejects a body over HTTP_BODY_LIMIT_BYTES with REQUEST_TOO_LARGE, as GraphQL JSON', async () => {
    const response = await post(JSON.stringify({ query: `{ __typename } # ${'x'.repeat(200_000)}` }));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errors: [expect.objectContaining({ extensions: { code: 'REQUEST_TOO_LARGE' } })] });
  });

  it('answers malformed JSON and unknown routes with GraphQL-shaped errors', async () => {
    const malformed = await post('{"query": ');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toEqual({ errors: [expect.objectContaining({ extensions: { code: 'BAD_REQUEST' } })] });
    const missing = await fetch(`${app!.url}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ errors: [expect.objectContaining({ extensions: { code: 'NOT_FOUND' } })] });
  });

  it('refuses a mutation whose Accept no response satisfies, before running it', async () => {
    const response = await post(
      JSON.stringify({ query: 'mutation { createInterviewSession(input: { title: "t", candidateName: "c" }) { id } }' }),
      {
        accept: 'text/html',
      },
    );
    expect(response.status).toBe(406);
    expect(await response.json()).toEqual({ errors: [expect.objectContaining({ extensions: { code: 'NOT_ACCEPTABLE' } })] });
    expect(await app!.db.query('select id from interview_session')).toEqual([]);
  });

  it.each([
    [
      'a subscription (this API offers none)',
      { query: 'subscription { interviewSessions { totalCount } }' },
      400,
      'GRAPHQL_VALIDATION_FAILED',
    ],
    [
      'an operationName the document does not hold',
      { query: 'query A { __typename }', operationName: 'B' },
      400,
      'OPERATION_RESOLUTION_FAILURE',
    ],
    [
      'a persisted query of a version other than 1',
      { query: '{ __typename }', extensions: { persistedQuery: { version: 2, sha256Hash: 'x' } } },
      400,
      'BAD_REQUEST',
    ],
    // 200 for an unknown hash: Apollo's convention, so that APQ clients fall back to sending the document.
    [
      'a persisted query this server does not know',
      { extensions: { persistedQuery: { version: 1, sha256Hash: 'x' } } },
      200,
      'PERSISTED_QUERY_NOT_FOUND',
    ],
  ])('answers %s with a client error of its own code', async (_case, body, status, code) => {
    const response = await post(JSON.stringify(body));
    expect(response.status).toBe(status);
    expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe(code);
  });

  it('refuses a mutation sent by GET with 405 and Allow: POST, without running it', async () => {
    const query = encodeURIComponent('mutation { createInterviewSession(input: { title: "t", candidateName: "c" }) { id } }');
    // The header CSRF prevention asks of a GET, so that it is the method that is refused.
    const response = await fetch(`${app!.url}/graphql?query=${query}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect([response.status, response.headers.get('allow'), await response.json()]).toEqual([
      405,
      'POST',
      { errors: [expect.objectContaining({ extensions: { code: 'BAD_REQUEST' } })] },
    ]);
    expect(await app!.db.query('select id from interview_session')).toEqual([]);
  });

  it('answers a malformed URL and oversized headers with GraphQL-shaped errors', async () => {
    const malformed = await fetch(`${app!.url}/graphql%zz`);
    expect([malformed.status, await malformed.json()]).toEqual([
      400,
      { errors: [expect.objectContaining({ extensions: { code: 'BAD_REQUEST' } })] },
    ]);
    const huge = await fetch(`${app!.url}/graphql?query=${'x'.repeat(20_000)}`);
    expect([huge.status, await huge.json()]).toEqual([
      431,
      { errors: [expect.objectContaining({ extensions: { code: 'REQUEST_TOO_LARGE' } })] },
    ]);
  });

  it('accepts every legitimate query of this API, the largest page included', async () => {
    const fields = 'id title candidateName status scheduledAt startedAt completedAt createdAt updatedAt';
    const response = await graphql(
      app!.url,
      `query Everything($after: String) { interviewSessions(first: 100, after: $after, filter: { status: SCHEDULED }) {
        totalCount nodes { ${fields} } edges { cursor node { ${fields} } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`,
    );
    expect([response.status, response.body.errors]).toEqual([200, undefined]);
  });
});

describe('in production (NODE_ENV=production)', () => {
  it('gives no field suggestions, no Sandbox landing page, and keeps CSRF prevention on', async () => {
    app = await startTestApp({ NODE_ENV: 'production', AUTH_MODE: 'none' });

    const typo = await graphql(app.url, '{ interviewSesions { nodes { id } } }');
    expect(errorCodes(typo)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(JSON.stringify(typo.body)).not.toMatch(/did you mean/i);

    const page = await fetch(`${app.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toMatch(/sandbox/i);

    const simpleRequest = await fetch(`${app.url}/graphql?query=${encodeURIComponent('{ __typename }')}`);
    expect(simpleRequest.status).toBe(400);
    expect(await simpleRequest.text()).toMatch(/CSRF/);
  });

  it('serves the Sandbox landing page in development', async () => {
    app = await startTestApp({ NODE_ENV: 'development' });
    const page = await fetch(`${app.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/sandbox/i);
  });
});
