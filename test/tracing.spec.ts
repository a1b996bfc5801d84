import { createHash, randomBytes } from 'node:crypto';
import { errorCodes, graphql } from './support/graphql-client';
import { ifSetUp } from './support/if-set-up';
import { recordLoadedModules } from './support/loaded-modules';
import { sample, scrape } from './support/metrics';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './support/otlp-receiver';
import { freePort } from './support/ports';
import { exitWithin, killAllServers, startServer, type ServerProcess } from './support/server-process';
import { lockSessionsTable, releaseTableLocks, serverQueriesWaitingOnLocks } from './support/table-lock';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy';
import { migrateDatabase } from './support/test-app';
import { createTestDatabase, routedThrough, type TestDatabase } from './support/test-database';
import { waitFor } from './support/wait-for';

/**
 * The server as a process exporting its spans (OTLP/HTTP, JSON) to a receiver inside the test:
 * a request's whole trace, from the caller's traceparent down to the SQL statements. Jest's
 * module loader would hide an instrumentation's require hooks, which is one reason the server
 * runs as a process of its own; the other is that the SDK is global to a process.
 */

const SPAN_KIND = { internal: 1, server: 2, client: 3 } as const;
const STATUS = { unset: 0, error: 2 } as const;

let db: TestDatabase;
let receiver: OtlpReceiver;

beforeAll(async () => {
  db = await createTestDatabase();
  await migrateDatabase(db);
  receiver = await startOtlpReceiver();
});
afterEach(() => releaseTableLocks());
afterAll(async () => {
  await killAllServers();
  await ifSetUp(receiver)?.close();
  await ifSetUp(db)?.drop();
});

/** The server on the test database, exporting every span to the receiver within a moment of its end. */
const startTracedServer = (env: Record<string, string> = {}) =>
  startServer({
    DATABASE_URL: db.url,
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '50',
    DB_STATEMENT_TIMEOUT_MS: '20000',
    DB_QUERY_TIMEOUT_MS: '20000',
    ...env,
  });

/** A caller that traces: its own trace and span, sampled, in W3C traceparent and tracestate headers. */
function caller() {
  const traceId = randomBytes(16).toString('hex');
  const spanId = randomBytes(8).toString('hex');
  return { traceId, spanId, headers: { traceparent: `00-${traceId}-${spanId}-01`, tracestate: 'caller=spec' } };
}

/** Runs `test` with a TCP proxy to the test database, closed after it whatever happens. */
async function withProxyToDatabase(test: (proxy: TcpProxy) => Promise<void>): Promise<void> {
  const proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(db.url).port) });
  try {
    await test(proxy);
  } finally {
    await proxy.close();
  }
}

/** The spans of a trace, once its HTTP server span (the last to end) has arrived. */
async function traceOf(traceId: string): Promise<ReceivedSpan[]> {
  const spans = await receiver.waitForSpans(
    (received) => received.some((span) => span.traceId === traceId && span.kind === SPAN_KIND.server),
    `the HTTP span of trace ${traceId}`,
  );
  return spans.filter((span) => span.traceId === traceId).sort((a, b) => a.startNs - b.startNs);
}

function only(spans: ReceivedSpan[], name: string): ReceivedSpan {
  const named = spans.filter((span) => span.name === name);
  if (named.length !== 1)
    throw new Error(`expected one span named ${name}, got ${named.length} among ${spans.map((s) => s.name).join(', ')}`);
  return named[0]!;
}

const childrenOf = (spans: ReceivedSpan[], parent: ReceivedSpan) => spans.filter((span) => span.parentSpanId === parent.spanId);
const namesOf = (spans: ReceivedSpan[]) => spans.map((span) => span.name).sort();

/** The smallest read: one resolver, one wait, one statement. */
const ONE_SESSION = '{ interviewSessions(first: 1) { nodes { id } } }';
const LIST = 'query ListSessions { interviewSessions(first: 5) { nodes { id title } totalCount } }';
const CREATE = `mutation CreateSession($input: CreateInterviewSessionInput!) {
  createInterviewSession(input: $input) { id title }
}`;

describe('a request to a server with an endpoint', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startTracedServer({
      GRAPHQL_COUNT_COST: '50',
      GRAPHQL_MAX_COST: '100',
      OTEL_SERVICE_NAME: 'tracing-spec',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=spec',
    });
  });
  afterAll(() => killAllServers());

  it("continues the caller's trace: HTTP, operation, the resolvers that read, their waits and statements, nothing else", async () => {
    const { traceId, spanId, headers } = caller();
    const response = await graphql(server.url, LIST, undefined, headers);
    expect(response.status).toBe(200);
    const spans = await traceOf(traceId);

    const http = only(spans, 'POST /graphql');
    expect(http).toMatchObject({ kind: SPAN_KIND.server, parentSpanId: spanId, traceState: 'caller=spec' });
    expect(http.attributes).toMatchObject({ 'http.request.method': 'POST', 'http.route': '/graphql', 'http.response.status_code': 200 });
    expect(http.resource).toMatchObject({ 'service.name': 'tracing-spec', 'deployment.environment.name': 'spec' });

    const operation = only(spans, 'query ListSessions');
    expect(operation.parentSpanId).toBe(http.spanId);
    expect(operation.attributes).toEqual({
      'graphql.operation.type': 'query',
      'graphql.operation.name': 'ListSessions',
      // The SHA-256 of the document as sent, as Apollo keys its cache.
      'graphql.document.hash': createHash('sha256').update(LIST).digest('hex'),
      // 2 for the connection + 5 items × (2 for nodes + 1 + 1) + 1 + GRAPHQL_COUNT_COST (50) for totalCount.
      'graphql.operation.cost': 73,
      'graphql.outcome': 'ok',
    });
    expect(namesOf(childrenOf(spans, operation))).toEqual([
      'InterviewSessionConnection.totalCount',
      'Query.interviewSessions',
      'graphql.parse',
      'graphql.validate',
    ]);

    const page = only(spans, 'Query.interviewSessions');
    const count = only(spans, 'InterviewSessionConnection.totalCount');
    expect(page.attributes).toEqual({ 'graphql.field.path': 'interviewSessions' });
    expect(count.attributes['graphql.field.path']).toBe('interviewSessions.totalCount');
    for (const resolver of [page, count]) {
      const [wait, statement] = childrenOf(spans, resolver);
      expect(namesOf(childrenOf(spans, resolver))).toEqual(['SELECT interview_session', 'db.pool.acquire']);
      expect(wait!.name).toBe('db.pool.acquire');
      expect(wait!.attributes['db.client.connection.pool.name']).toBe('primary');
      expect(statement).toMatchObject({ name: 'SELECT interview_session', kind: SPAN_KIND.client });
      expect(statement!.attributes).toMatchObject({
        'db.system.name': 'postgresql',
        'db.namespace': db.name,
        'db.operation.name': 'SELECT',
        'db.collection.name': 'interview_session',
        'db.query.summary': 'SELECT interview_session',
      });
    }
    // Not a span for id, title or nodes: they read what the resolvers returned.
    expect(spans).toHaveLength(10);
  });

  it('skips parse and validate for a document it has seen, and prices it the same', async () => {
    const { traceId, headers } = caller();
    await graphql(server.url, LIST, undefined, headers);
    const spans = await traceOf(traceId);
    expect(namesOf(spans)).not.toContain('graphql.parse');
    expect(namesOf(spans)).not.toContain('graphql.validate');
    expect(only(spans, 'query ListSessions').attributes['graphql.operation.cost']).toBe(73);
  });

  it("shows MikroORM's statements of a write, and none of the values written", async () => {
    const { traceId, headers } = caller();
    const input = { title: 'Traced title 4f1e', candidateName: 'Traced Candidate 9c2d' };
    const response = await graphql(server.url, CREATE, { input }, headers);
    expect(response.body.errors).toBeUndefined();
    const spans = await traceOf(traceId);

    const operation = only(spans, 'mutation CreateSession');
    expect(operation.attributes['graphql.operation.type']).toBe('mutation');
    const resolver = only(spans, 'Mutation.createInterviewSession');
    expect(resolver.parentSpanId).toBe(operation.spanId);
    expect(childrenOf(spans, resolver).map((span) => span.name)).toEqual([
      'db.pool.acquire',
      'BEGIN',
      'INSERT interview_session',
      'COMMIT',
    ]);
    expect(only(spans, 'INSERT interview_session').attributes).toMatchObject({
      'db.system.name': 'postgresql',
      'db.operation.name': 'INSERT',
      'db.collection.name': 'interview_session',
    });
    const everything = JSON.stringify(spans.map((span) => span.attributes));
    expect(everything).not.toContain(input.title);
    expect(everything).not.toContain(input.candidateName);
  });

  it("fails the validate span of a document a limit refuses, with the limit's code, and runs nothing", async () => {
    const { traceId, headers } = caller();
    // Two counts: 2 × (2 + 1 + 50) = 106, past GRAPHQL_MAX_COST (100).
    const response = await graphql(
      server.url,
      '{ a: interviewSessions { totalCount } b: interviewSessions { totalCount } }',
      undefined,
      headers,
    );
    expect(errorCodes(response)).toEqual(['QUERY_TOO_COMPLEX']);
    const spans = await traceOf(traceId);
    expect(only(spans, 'graphql.validate').status).toEqual({ code: STATUS.error, message: 'QUERY_TOO_COMPLEX' });
    expect(namesOf(spans)).toEqual(['GraphQL Operation', 'POST /graphql', 'graphql.parse', 'graphql.validate']);
    expect(only(spans, 'GraphQL Operation').attributes).toEqual({
      'graphql.outcome': 'client_error',
      'graphql.error.codes': ['QUERY_TOO_COMPLEX'],
    });
  });

  it("writes the trace and the operation's span into the request's log line", async () => {
    const { traceId, headers } = caller();
    const response = await graphql(server.url, LIST, undefined, headers);
    const requestId = response.headers.get('x-request-id');
    const spans = await traceOf(traceId);
    const line = await server.waitForLog((log) => log.msg === 'graphql request' && log.requestId === requestId, 'the request log line');
    expect(line).toMatchObject({ traceId, spanId: only(spans, 'query ListSessions').spanId, outcome: 'ok' });
  });
});

describe('the wait for a connection', () => {
  afterEach(() => killAllServers());

  it('says how long a request waited, with the pool as it found it and how its connection was checked', async () => {
    // One connection, pinged at every checkout.
    const server = await startTracedServer({ DB_POOL_MIN: '1', DB_POOL_MAX: '1', DB_POOL_PRE_PING_BYPASS_MS: '0' });
    const pendingAcquires = async () => sample(await scrape(server.url), 'db_pool_pending_acquires');
    const blocker = await lockSessionsTable(db.url);
    // The first request holds the only connection, waiting for the lock; the second and third wait for the connection.
    const [first, second, third] = [caller(), caller(), caller()];
    const requests = [graphql(server.url, ONE_SESSION, undefined, first.headers)];
    await waitFor(async () => (await serverQueriesWaitingOnLocks(db)) === 1, "the first request's query to wait on the lock");
    requests.push(graphql(server.url, ONE_SESSION, undefined, second.headers));
    await waitFor(async () => (await pendingAcquires()) === 1, 'the second request to wait for the connection');
    const secondWaitingFrom = performance.now();
    requests.push(graphql(server.url, ONE_SESSION, undefined, third.headers));
    await waitFor(async () => (await pendingAcquires()) === 2, 'the third request to wait for the connection');
    await blocker.query('commit');
    const waitedAtLeastMs = performance.now() - secondWaitingFrom;
    expect((await Promise.all(requests)).map((response) => response.status)).toEqual([200, 200, 200]);

    const waitOf = async (request: ReturnType<typeof caller>) => only(await traceOf(request.traceId), 'db.pool.acquire');
    expect((await waitOf(first)).attributes).toEqual({
      'db.client.connection.pool.name': 'primary',
      'db.pool.max': 1,
      'db.pool.size': 1,
      'db.pool.in_use': 0,
      'db.pool.pending': 0,
      'db.pool.pre_ping': 'ok',
      'db.pool.connection.new': false,
    });
    const secondWait = await waitOf(second);
    expect(secondWait.attributes).toMatchObject({ 'db.pool.size': 1, 'db.pool.in_use': 1, 'db.pool.pending': 0, 'db.pool.pre_ping': 'ok' });
    expect(secondWait.durationMs).toBeGreaterThanOrEqual(waitedAtLeastMs);
    expect((await waitOf(third)).attributes).toMatchObject({ 'db.pool.in_use': 1, 'db.pool.pending': 1, 'db.pool.pre_ping': 'ok' });
  });

  it('names the connections a pre-ping dropped, and the new one opened instead', async () => {
    await withProxyToDatabase(async (proxy) => {
      const server = await startTracedServer({
        DATABASE_URL: routedThrough(db.url, proxy),
        DB_POOL_MIN: '1',
        DB_POOL_MAX: '1',
        DB_POOL_PRE_PING_BYPASS_MS: '0',
        DB_POOL_PRE_PING_TIMEOUT_MS: '300',
      });
      await waitFor(() => proxy.openConnections() === 1, 'the pool to open its connection');
      // The idle connection goes silent, as behind a firewall that dropped the flow; new ones pass.
      await proxy.setMode('stall');
      const { traceId, headers } = caller();
      const response = await graphql(server.url, ONE_SESSION, undefined, headers);
      expect(response.status).toBe(200);
      expect(only(await traceOf(traceId), 'db.pool.acquire').attributes).toMatchObject({
        'db.pool.discarded': ['pre_ping_failed'],
        'db.pool.connection.new': true,
        'db.pool.pre_ping': 'ok',
      });
    });
  });
});

describe('failures, recorded on the spans where they happen', () => {
  afterEach(() => killAllServers());

  it('a database nobody answers for: the wait fails with DATABASE_UNAVAILABLE, and so do the resolver, the operation and the 503', async () => {
    // A port nothing listens on: every connection is refused.
    const server = await startTracedServer({ DATABASE_URL: routedThrough(db.url, { host: '127.0.0.1', port: await freePort() }) });
    const { traceId, headers } = caller();
    const response = await graphql(server.url, ONE_SESSION, undefined, headers);
    expect(response.status).toBe(503);
    expect(errorCodes(response)).toEqual(['DATABASE_UNAVAILABLE']);
    const spans = await traceOf(traceId);

    const failed = { status: { code: STATUS.error, message: 'DATABASE_UNAVAILABLE' } };
    const wait = only(spans, 'db.pool.acquire');
    expect(wait).toMatchObject(failed);
    expect(wait.attributes['error.type']).toBe('DATABASE_UNAVAILABLE');
    const resolver = only(spans, 'Query.interviewSessions');
    expect(wait.parentSpanId).toBe(resolver.spanId);
    expect(resolver).toMatchObject(failed);
    const operation = only(spans, 'query');
    expect(operation).toMatchObject(failed);
    expect(operation.attributes).toMatchObject({
      'graphql.outcome': 'database_unavailable',
      'graphql.error.codes': ['DATABASE_UNAVAILABLE'],
      'error.type': 'DATABASE_UNAVAILABLE',
    });
    const http = only(spans, 'POST /graphql');
    expect(http.status.code).toBe(STATUS.error);
    expect(http.attributes['http.response.status_code']).toBe(503);
    // No statement was sent.
    expect(spans.filter((span) => span.kind === SPAN_KIND.client)).toEqual([]);
  });

  it("a statement past statement_timeout: its span says QUERY_TIMED_OUT, the operation is the client's problem", async () => {
    const server = await startTracedServer({ DB_STATEMENT_TIMEOUT_MS: '300' });
    await lockSessionsTable(db.url);
    const { traceId, headers } = caller();
    const response = await graphql(server.url, ONE_SESSION, undefined, headers);
    expect(errorCodes(response)).toEqual(['QUERY_TIMED_OUT']);
    const spans = await traceOf(traceId);

    const statement = only(spans, 'SELECT interview_session');
    expect(statement.status).toEqual({ code: STATUS.error, message: 'QUERY_TIMED_OUT' });
    // PostgreSQL's query_canceled.
    expect(statement.attributes).toMatchObject({ 'error.type': 'QUERY_TIMED_OUT', 'db.response.status_code': '57014' });
    expect(statement.durationMs).toBeGreaterThanOrEqual(300);
    // A 200 with the code, as for any error of the client's making: the server did not fail.
    const operation = only(spans, 'query');
    expect(operation.status.code).toBe(STATUS.unset);
    expect(operation.attributes).toMatchObject({ 'graphql.outcome': 'client_error', 'graphql.error.codes': ['QUERY_TIMED_OUT'] });
  });

  it('a read retried on the primary: both attempts, each under the pool it went to', async () => {
    await withProxyToDatabase(async (proxy) => {
      // The same database through a proxy stands in for a replica; checked once, at start.
      const server = await startTracedServer({
        DATABASE_REPLICA_URLS: routedThrough(db.url, proxy),
        DB_REPLICA_CHECK_INTERVAL_MS: '600000',
      });
      await proxy.setMode('refuse');
      proxy.cutAll();
      const { traceId, headers } = caller();
      const response = await graphql(server.url, ONE_SESSION, undefined, headers);
      expect(response.status).toBe(200);
      const spans = await traceOf(traceId);

      const resolver = only(spans, 'Query.interviewSessions');
      const attempts = childrenOf(spans, resolver);
      // In the order they started: the statement ran on the connection of the wait before it.
      expect(attempts.map((span) => [span.name, span.attributes['db.client.connection.pool.name'], span.status.message])).toEqual([
        ['db.pool.acquire', 'replica-1', 'DATABASE_UNAVAILABLE'],
        ['db.pool.acquire', 'primary', undefined],
        ['SELECT interview_session', undefined, undefined],
      ]);
    });
  });
});

describe('background work', () => {
  afterEach(() => killAllServers());

  it('makes no span: not the key clean-up, the replica checks, the pre-pings, the probes or the scrapes', async () => {
    const server = await startTracedServer({
      OTEL_SERVICE_NAME: 'background-spec',
      IDEMPOTENCY_KEY_CLEANUP_INTERVAL_MS: '100',
      DATABASE_REPLICA_URLS: db.url,
      DB_REPLICA_CHECK_INTERVAL_MS: '100',
      DB_POOL_PRE_PING_BYPASS_MS: '0',
    });
    const traced = new Set<string>();
    const tracedRequest = async (query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}) => {
      const request = caller();
      traced.add(request.traceId);
      const response = await graphql(server.url, query, variables, { ...request.headers, ...headers });
      await traceOf(request.traceId);
      return response;
    };
    const key = randomBytes(8).toString('hex');
    await tracedRequest(CREATE, { input: { title: 'Background spec', candidateName: 'Background Candidate' } }, { 'idempotency-key': key });
    const expired = await db.query(`update idempotency_key set expires_at = now() - interval '1 second' where key = $1 returning key`, [
      key,
    ]);
    expect(expired).toEqual([{ key }]);
    for (const path of ['/health/live', '/health/ready', '/metrics']) expect((await fetch(`${server.url}${path}`)).status).toBe(200);
    // The clean-up ran (and the replica checks, every 100 ms, many times over).
    await waitFor(
      async () => (await db.query('select 1 from idempotency_key where key = $1', [key])).length === 0,
      'the clean-up to delete the key',
    );
    // Exported after everything the background did before it: spans leave in the order they end.
    await tracedRequest(ONE_SESSION);

    const fromThisServer = receiver.spans().filter((span) => span.resource['service.name'] === 'background-spec');
    expect(fromThisServer.length).toBeGreaterThan(0);
    expect(fromThisServer.filter((span) => !traced.has(span.traceId))).toEqual([]);
  });
});

describe('without tracing', () => {
  afterEach(() => killAllServers());

  it.each([
    ['no endpoint is set', (): Record<string, string> => ({})],
    [
      'OTEL_SDK_DISABLED=true',
      () => ({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_BSP_SCHEDULE_DELAY: '50', OTEL_SDK_DISABLED: 'true' }),
    ],
  ])('when %s, loads no module of the SDK, logs no trace, and exports nothing to the receiver', async (_case, tracingEnv) => {
    const modules = await recordLoadedModules();
    try {
      const server = await startServer({
        DATABASE_URL: db.url,
        OTEL_SERVICE_NAME: 'untraced-spec',
        OTEL_TRACES_SAMPLER: 'always_on',
        ...modules.env,
        ...tracingEnv(),
      });
      const { headers } = caller();
      const response = await graphql(server.url, ONE_SESSION, undefined, headers);
      const requestId = response.headers.get('x-request-id');
      const line = await server.waitForLog((log) => log.msg === 'graphql request' && log.requestId === requestId, 'the request log line');
      expect(line).not.toHaveProperty('traceId');
      expect(line).not.toHaveProperty('spanId');
      server.signal('SIGTERM');
      expect(await exitWithin(server, 10_000)).toEqual({ code: 0, signal: null });

      const loaded = await modules.read();
      expect(loaded).toContainEqual(expect.stringMatching(/[\\/]src[\\/]main\.ts$/));
      // @opentelemetry/api is loaded with or without tracing: prom-client's process metrics require it.
      expect(
        loaded.filter((file) => /[\\/]node_modules[\\/]@opentelemetry[\\/](?!api[\\/])|[\\/]@fastify[\\/]otel[\\/]/.test(file)),
      ).toEqual([]);
      expect(loaded.filter((file) => /[\\/]src[\\/]tracing[\\/]/.test(file)).map((file) => file.split(/[\\/]/).at(-1))).toEqual([
        'tracing.ts',
      ]);
      expect(receiver.spans().filter((span) => span.resource['service.name'] === 'untraced-spec')).toEqual([]);
    } finally {
      await modules.remove();
    }
  });
});

describe('the exporter as the standard variables set it', () => {
  afterEach(() => killAllServers());

  it('sends protobuf to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, sampling as OTEL_TRACES_SAMPLER says: the caller decides, nothing else', async () => {
    const server = await startServer({
      DATABASE_URL: db.url,
      // http/protobuf is the default protocol; the endpoint is the full URL of the traces.
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.endpoint}/v1/traces`,
      OTEL_BSP_SCHEDULE_DELAY: '50',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0',
    });
    // HTTP, operation, parse, validate, resolver, wait, statement; then the document is cached.
    const spansOfTheFirst = 7;
    const spansOfTheNext = 5;
    const spansReceived = () => receiver.received.spans;
    const before = spansReceived();
    await graphql(server.url, ONE_SESSION, undefined, caller().headers);
    await waitFor(() => spansReceived() >= before + spansOfTheFirst, 'the spans of a sampled caller');
    // No caller's decision: the ratio (0) decides, and nothing is sampled; its log line still names its trace.
    const unsampled = await graphql(server.url, ONE_SESSION);
    const requestId = unsampled.headers.get('x-request-id');
    const line = await server.waitForLog((log) => log.msg === 'graphql request' && log.requestId === requestId, 'the log line');
    expect(line.traceId).toMatch(/^[0-9a-f]{32}$/);
    await graphql(server.url, ONE_SESSION, undefined, caller().headers);
    await waitFor(() => spansReceived() >= before + spansOfTheFirst + spansOfTheNext, 'the spans of the second sampled caller');
    expect(spansReceived()).toBe(before + spansOfTheFirst + spansOfTheNext);
  });
});
