/**
 * The benchmark: the real server (dist/, production mode) against the floor (bench/floor-server.ts),
 * scenario by scenario, on the same seeded PostgreSQL.
 *
 *   npm run build && npx ts-node --transpile-only bench/run.ts
 *
 *   BENCH_DATABASE_URL  postgresql://postgres@127.0.0.1:5432/interview_sessions_bench
 *   BENCH_ROWS          1000000   rows to seed (reused when already there)
 *   BENCH_DURATION      10        seconds measured per run
 *   BENCH_WARMUP        3         seconds of unmeasured load before each run
 *   BENCH_ROUNDS        2         every scenario runs once per round on each server; medians are reported
 *   BENCH_CONNECTIONS   32        concurrency; the overload scenario uses BENCH_OVERLOAD_CONNECTIONS (200)
 *   BENCH_SCENARIOS     all       e.g. "Q1,Q4" to run only some; Q1-auth and Q2-auth are Q1 and Q2 with a
 *                                 bearer token, against a second server with AUTH_MODE=jwt (HS256);
 *                                 W is writes only; Q4-keys and W-keys send each write with an
 *                                 Idempotency-Key; Q1-id and Q2-id are Q1 and Q2 sent by id
 *                                 (`documentId`), against a server with TRUSTED_DOCUMENTS=enforce and
 *                                 a manifest of the bench's documents; Q1-trace and Q2-trace go to a
 *                                 server that traces every request (OpenTelemetry, OTLP/HTTP protobuf
 *                                 to a receiver in this process), Q1-unsampled and Q2-unsampled to
 *                                 one with tracing on that samples none; each order of
 *                                 interviewSessions (CREATED_AT_DESC, CREATED_AT_ASC,
 *                                 SCHEDULED_AT_ASC, SCHEDULED_AT_DESC, UPDATED_AT_DESC) is page 1 of
 *                                 all sessions in that order, and <order>-deep the page after its
 *                                 5,000th row; "fairness" is the attack check (bench/fairness.ts)
 *   BENCH_CPU_PROF      unset     1 = run the real server with --cpu-prof (bench/results/profiles/)
 *
 * Both servers are child processes; this process is the load generator (autocannon, in-process).
 * Before loading, the first response of every scenario is compared between the two servers and
 * with the database, so the floor cannot be cheaper by answering something else.
 * Output: a markdown table on stdout, everything else on stderr, all numbers in
 * bench/results/latest.json.
 */
import autocannon, { type AutocannonInstance } from 'autocannon';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { SignJWT } from 'jose';
import { Client } from 'pg';
import ts from 'typescript';
import { KeysetCursors } from '../src/connections/cursor';
import { filterScope } from '../src/interview-sessions/filter-scope';
import { SESSION_ORDERS } from '../src/interview-sessions/interview-session-order';
import { InterviewSessionStatus } from '../src/interview-sessions/interview-session-status';
import { startOtlpReceiver, type OtlpReceiver } from '../test/support/otlp-receiver';
import { freePort } from '../test/support/ports';
import { fairnessTable, measureFairness } from './fairness';
import { ORDER_NAMES, ORDER_QUERIES, QUERIES, type OrderName } from './floor-server';
import { backendTicks, backendTicksSpent, cpuTicks, machineTicks, rssKb } from './proc-stats';
import { markdown, summarise, type Measurement, type Summary, type TargetName } from './report';
import { benchRows, DEFAULT_DATABASE_URL, seed, type SeedResult } from './seed';

type AutocannonRequest = Record<string, unknown>;

const ROOT = join(__dirname, '..');
const RESULTS = join(__dirname, 'results');
const RUNTIME = join(RESULTS, 'runtime');

const envNumber = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number (got ${process.env[name]})`);
  return value;
};
const config = {
  databaseUrl: process.env.BENCH_DATABASE_URL ?? DEFAULT_DATABASE_URL,
  rows: benchRows(),
  duration: envNumber('BENCH_DURATION', 10),
  warmup: envNumber('BENCH_WARMUP', 3),
  rounds: envNumber('BENCH_ROUNDS', 2),
  connections: envNumber('BENCH_CONNECTIONS', 32),
  overloadConnections: envNumber('BENCH_OVERLOAD_CONNECTIONS', 200),
  scenarios: process.env.BENCH_SCENARIOS?.split(',').map((name) => name.trim()),
  cpuProfile: process.env.BENCH_CPU_PROF === '1',
};
const log = (line: string) => console.error(line);

// ───────────────────────────── child servers ─────────────────────────────

interface Target {
  name: TargetName;
  url: string;
  child: ChildProcess;
  pid: number;
  /** application_name of its PostgreSQL connections, to find their backends. */
  applicationName: string;
  /** Spans it has exported so far, when it traces. */
  exportedSpans?: () => number;
}
const targets: Target[] = [];

/** Preloaded into both children: when this process dies (even by SIGKILL), they stop too. */
const WATCH_PARENT = `process.channel && process.channel.unref();
process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));\n`;

async function startTarget(
  name: TargetName,
  script: string,
  extraArgs: string[],
  env: Record<string, string>,
  applicationName: string,
  logName: string = name,
): Promise<Target> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-r', join(RUNTIME, 'watch-parent.js'), ...extraArgs, script], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: config.databaseUrl },
    // Their logs go to a file, as a deployed server's go to a log collector: stdout is the report.
    stdio: ['ignore', openSync(join(RESULTS, `${logName}.log`), 'w'), 2, 'ipc'],
  });
  const target: Target = { name, url: `http://127.0.0.1:${port}/graphql`, child, pid: child.pid!, applicationName };
  targets.push(target);
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the ${name} exited during start (${child.exitCode ?? child.signalCode})`);
    try {
      // With the bench's token: the server with authentication on refuses requests without one.
      const response = await post(target, QUERIES.ping, undefined, benchAuth.headers);
      if (response.status === 200) return target;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the ${name} did not answer within 30 s`);
    await sleep(100);
  }
}

async function stopTarget(target: Target): Promise<void> {
  const { child } = target;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(killer);
}

/** The OTLP receiver of the traced server's spans, when a -trace scenario runs. */
let otlpReceiver: OtlpReceiver | undefined;

const stopAll = async () => {
  await Promise.all(targets.map(stopTarget));
  await otlpReceiver?.close();
};

// ───────────────────────────── requests ─────────────────────────────

interface Post {
  status: number;
  text: string;
  body: { data?: any; errors?: unknown[] };
}

async function post(
  target: Target,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
  encode: Encode = body,
): Promise<Post> {
  const response = await fetch(target.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: encode(query, variables),
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) };
}

/** How a request carries its document: as text, or by id. */
type Encode = (query: string, variables?: Record<string, unknown>) => string;
const body: Encode = (query, variables) => JSON.stringify({ query, variables });
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** By id, as GraphQL Codegen's client preset sends a document: the manifest's id (its SHA-256) in `documentId`. */
const bodyById: Encode = (query, variables) => JSON.stringify({ documentId: `sha256:${sha256(query)}`, variables });

/** Counters the autocannon callbacks fill during one load run. */
let live = { graphqlErrors: 0, shed: 0, kinds: {} as Record<string, number> };
const countKind = (kind: string) => (live.kinds[kind] = (live.kinds[kind] ?? 0) + 1);
function checkResponse(status: number, text: string): void {
  if (status === 200 && text.includes('"errors"')) live.graphqlErrors += 1;
  else if (status === 503 && text.includes('"OVERLOADED"')) live.shed += 1;
}

interface Fixtures {
  ids: string[];
  /** After the 5,000th IN_PROGRESS session, newest first (Q3). */
  cursor: string;
  /** After the 5,000th session of each order, unfiltered. */
  orderCursors: Record<OrderName, string>;
  seededAt: Date;
}

interface Scenario {
  key: string;
  title: string;
  connections: number;
  /** Sent with a bearer token, to the server that runs with AUTH_MODE=jwt (the floor gets the same header). */
  auth?: boolean;
  /** Every write carries an Idempotency-Key (the floor ignores it). */
  keys?: boolean;
  /** Sent by id, to the server that runs with TRUSTED_DOCUMENTS=enforce (the floor gets the same ids). */
  byId?: boolean;
  /** Sent to a server with tracing on that samples every request (`all`), or none (`none`). */
  trace?: 'all' | 'none';
  /** `encode`: as text or by id; `keys`: every write carries an Idempotency-Key. */
  requests(fixtures: Fixtures, encode: Encode, keys: boolean): AutocannonRequest[];
}

/**
 * "Auth on": a second server runs with AUTH_MODE=jwt and an HS256 secret made for the run; every
 * request of an auth scenario carries one token, signed once, as a client keeps its token until it expires.
 */
const benchAuth = {
  secret: randomBytes(48).toString('base64url'),
  issuer: 'https://bench.issuer.test/',
  audience: 'interview-sessions-api',
  headers: {} as Record<string, string>,
};

async function signBenchToken(): Promise<string> {
  return new SignJWT({ scope: 'sessions:read sessions:write' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(benchAuth.issuer)
    .setAudience(benchAuth.audience)
    .setSubject('bench-client')
    .setIssuedAt()
    .setExpirationTime('4h')
    .sign(new TextEncoder().encode(benchAuth.secret));
}

const headersOf = (scenario: Scenario) => (scenario.auth ? benchAuth.headers : {});
const encodingOf = (scenario: Scenario) => (scenario.byId ? bodyById : body);

const randomId = (ids: string[]) => ids[Math.floor(Math.random() * ids.length)]!;

/** Q4's write chain: sessions a create made wait for their start, started ones for their completion. */
const pending = { toStart: [] as string[], toComplete: [] as string[] };
let createdCount = 0;
const WRITES = new Set(['create', 'start', 'complete']);

/** The next write of the chain: a completion if one is due, else a start, else a create. */
function nextWrite(): [string, string] {
  if (pending.toComplete.length > 0) return ['complete', body(QUERIES.complete, { id: pending.toComplete.shift() })];
  if (pending.toStart.length > 0) return ['start', body(QUERIES.start, { id: pending.toStart.shift() })];
  createdCount += 1;
  const input = { title: `Bench session ${createdCount}`, candidateName: `Bench Candidate ${createdCount % 997}` };
  return ['create', body(QUERIES.create, { input })];
}

/**
 * Requests drawn by `next` (its kind and body), counted by kind, feeding the write chain. In a
 * `-keys` scenario every write carries a new Idempotency-Key, as a client that retries safely sends it.
 */
function mixedRequests(keys: boolean, next: () => [string, string]): AutocannonRequest[] {
  return [
    {
      method: 'POST',
      setupRequest: (request: AutocannonRequest, context: { kind?: string }) => {
        const [kind, text] = next();
        context.kind = kind;
        countKind(kind);
        if (!keys || !WRITES.has(kind)) return { ...request, body: text };
        return { ...request, body: text, headers: { ...(request.headers as Record<string, string>), 'idempotency-key': randomUUID() } };
      },
      onResponse: (status: number, text: string, context: { kind?: string }) => {
        checkResponse(status, text);
        if (status !== 200 || (context.kind !== 'create' && context.kind !== 'start')) return;
        const data = JSON.parse(text).data;
        if (context.kind === 'create' && data?.createInterviewSession) pending.toStart.push(data.createInterviewSession.id);
        if (context.kind === 'start' && data?.startInterviewSession) pending.toComplete.push(data.startInterviewSession.id);
      },
    },
  ];
}

const SCENARIOS: Scenario[] = [
  {
    key: 'Q1',
    title: 'list IN_PROGRESS, first 20',
    connections: config.connections,
    requests: (_fixtures, encode) => [{ method: 'POST', body: encode(QUERIES.list), onResponse: checkResponse }],
  },
  {
    key: 'Q2',
    title: 'one session by random id',
    connections: config.connections,
    requests: ({ ids }, encode) => [
      {
        method: 'POST',
        setupRequest: (request: AutocannonRequest) => ({ ...request, body: encode(QUERIES.byId, { id: randomId(ids) }) }),
        onResponse: checkResponse,
      },
    ],
  },
  {
    key: 'Q3',
    title: 'list after the 5,000th row (keyset)',
    connections: config.connections,
    requests: ({ cursor }) => [{ method: 'POST', body: body(QUERIES.listAfter, { after: cursor }), onResponse: checkResponse }],
  },
  {
    key: 'Q4',
    title: '45% Q1, 45% Q2, 10% create/start/complete',
    connections: config.connections,
    requests: ({ ids }, _encode, keys) =>
      mixedRequests(keys, () => {
        const roll = Math.random();
        if (roll < 0.45) return ['list', body(QUERIES.list)];
        if (roll < 0.9) return ['byId', body(QUERIES.byId, { id: randomId(ids) })];
        return nextWrite();
      }),
  },
  {
    key: 'W',
    title: 'create/start/complete only',
    connections: config.connections,
    requests: (_fixtures, _encode, keys) => mixedRequests(keys, nextWrite),
  },
  {
    key: 'Q1-overload',
    title: `Q1 at ${config.overloadConnections} connections`,
    connections: config.overloadConnections,
    requests: () => [{ method: 'POST', body: body(QUERIES.list), onResponse: checkResponse }],
  },
];
// Every order of interviewSessions over the whole table: page 1, and the page after 5,000 rows.
for (const order of ORDER_NAMES) {
  SCENARIOS.push(
    {
      key: order,
      title: `all sessions by ${order}, first 20`,
      connections: config.connections,
      requests: () => [{ method: 'POST', body: body(ORDER_QUERIES[order].first), onResponse: checkResponse }],
    },
    {
      key: `${order}-deep`,
      title: `all sessions by ${order}, after the 5,000th row (keyset)`,
      connections: config.connections,
      requests: ({ orderCursors }) => [
        { method: 'POST', body: body(ORDER_QUERIES[order].after, { after: orderCursors[order] }), onResponse: checkResponse },
      ],
    },
  );
}
// Variants of Q1 and Q2, each against a server of its own; what a variant costs is its difference
// from its plain twin: authentication on; sent by id to trusted documents; tracing on, with every
// request sampled, and with none (what a request that a low sampling ratio leaves out still pays).
for (const key of ['Q1', 'Q2']) {
  const plain = SCENARIOS.find((scenario) => scenario.key === key)!;
  SCENARIOS.push(
    { ...plain, key: `${key}-auth`, title: `${plain.title}, with a bearer token (AUTH_MODE=jwt)`, auth: true },
    { ...plain, key: `${key}-id`, title: `${plain.title}, sent by id (TRUSTED_DOCUMENTS=enforce)`, byId: true },
    { ...plain, key: `${key}-trace`, title: `${plain.title}, every request traced (OpenTelemetry)`, trace: 'all' },
    { ...plain, key: `${key}-unsampled`, title: `${plain.title}, tracing on, no request sampled`, trace: 'none' },
  );
}
// The same writes with an Idempotency-Key each: what a key costs is the difference from Q4 and W.
for (const key of ['Q4', 'W']) {
  const plain = SCENARIOS.find((scenario) => scenario.key === key)!;
  SCENARIOS.push({ ...plain, key: `${key}-keys`, title: `${plain.title}, each write with an Idempotency-Key`, keys: true });
}

// ───────────────────────────── load runs ─────────────────────────────

let current: AutocannonInstance | undefined;

interface Load {
  seconds: number;
  responses: number;
  latencies: Float64Array;
  errors: number;
  timeouts: number;
  non2xx: number;
  graphqlErrors: number;
  shed: number;
  kinds: Record<string, number>;
}

async function load(target: Target, scenario: Scenario, fixtures: Fixtures, seconds: number): Promise<Load> {
  if (stopping) throw new Error('interrupted');
  live = { graphqlErrors: 0, shed: 0, kinds: {} };
  let latencies = new Float64Array(1 << 16);
  let responses = 0;
  const started = performance.now();
  current = autocannon({
    url: target.url,
    connections: scenario.connections,
    duration: seconds,
    headers: { 'content-type': 'application/json', ...headersOf(scenario) },
    requests: scenario.requests(fixtures, encodingOf(scenario), scenario.keys ?? false),
  });
  current.on('response', (_client, _status, _bytes, ms) => {
    if (responses === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[responses++] = ms;
  });
  const result = await current;
  current = undefined;
  const elapsed = (performance.now() - started) / 1000;
  return {
    seconds: elapsed,
    responses,
    latencies: latencies.subarray(0, responses).sort(),
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    graphqlErrors: live.graphqlErrors,
    shed: live.shed,
    kinds: live.kinds,
  };
}

const percentile = (sorted: Float64Array, q: number) =>
  sorted.length === 0 ? NaN : sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;

async function measure(db: Client, target: Target, scenario: Scenario, fixtures: Fixtures, round: number): Promise<Measurement> {
  await load(target, scenario, fixtures, config.warmup);
  await resetWrites(db, fixtures);
  const spansBefore = target.exportedSpans?.();
  const cpuBefore = cpuTicks(target.pid);
  const dbBefore = await backendTicks(db, target.applicationName);
  const generatorBefore = process.cpuUsage();
  const machineBefore = machineTicks();
  let peakRss = rssKb(target.pid);
  const poll = setInterval(() => (peakRss = Math.max(peakRss, rssKb(target.pid))), 50);
  let run: Load;
  try {
    run = await load(target, scenario, fixtures, config.duration);
  } finally {
    clearInterval(poll);
  }
  peakRss = Math.max(peakRss, rssKb(target.pid));
  const cpuTicksSpent = cpuTicks(target.pid) - cpuBefore;
  const generator = process.cpuUsage(generatorBefore);
  const machineAfter = machineTicks();
  const dbTicksSpent = backendTicksSpent(dbBefore, await backendTicks(db, target.applicationName));
  // Give or take a batch (512 spans) the exporter still held at either end.
  const spansExported = spansBefore === undefined ? undefined : target.exportedSpans!() - spansBefore;
  await resetWrites(db, fixtures);
  const perRequest = (ticks: number) => (run.responses > 0 ? (ticks * 10_000) / run.responses : NaN); // 1 tick = 10 ms
  const measurement: Measurement = {
    round,
    scenario: scenario.key,
    target: target.name,
    connections: scenario.connections,
    seconds: run.seconds,
    responses: run.responses,
    rps: run.responses / run.seconds,
    latencyMs: {
      p50: percentile(run.latencies, 0.5),
      p90: percentile(run.latencies, 0.9),
      p99: percentile(run.latencies, 0.99),
      max: percentile(run.latencies, 1),
    },
    errors: run.errors,
    timeouts: run.timeouts,
    non2xx: run.non2xx,
    graphqlErrors: run.graphqlErrors,
    shed: run.shed,
    cpuUsPerRequest: perRequest(cpuTicksSpent),
    dbCpuUsPerRequest: perRequest(dbTicksSpent),
    loadGeneratorCpuUsPerRequest: (generator.user + generator.system) / run.responses,
    machineCpuBusyPercent: (100 * (machineAfter.busy - machineBefore.busy)) / (machineAfter.total - machineBefore.total),
    peakRssMb: peakRss / 1024,
    ...(Object.keys(run.kinds).length > 1 && { requestKinds: run.kinds }),
    ...(spansExported !== undefined && { spansPerRequest: spansExported / run.responses }),
  };
  const m = measurement;
  log(
    `  round ${round} ${scenario.key.padEnd(11)} ${target.name.padEnd(6)} ${m.rps.toFixed(0).padStart(6)} req/s  ` +
      `p50 ${m.latencyMs.p50.toFixed(2)} ms  p99 ${m.latencyMs.p99.toFixed(2)} ms  cpu ${m.cpuUsPerRequest.toFixed(0)} µs/req  ` +
      `db ${m.dbCpuUsPerRequest.toFixed(0)} µs/req  autocannon ${m.loadGeneratorCpuUsPerRequest.toFixed(0)} µs/req  ` +
      `machine ${m.machineCpuBusyPercent.toFixed(0)}% busy  rss ${m.peakRssMb.toFixed(0)} MB  ` +
      `errors ${m.errors + m.timeouts + m.non2xx - m.shed + m.graphqlErrors}  shed ${m.shed}` +
      (m.spansPerRequest === undefined ? '' : `  spans ${m.spansPerRequest.toFixed(2)}/req`),
  );
  return measurement;
}

/**
 * Sessions the mutations created go, and so do the dead rows they leave: every run reads the table
 * as it was seeded. Without the vacuum, each index scan of the newest sessions would step over
 * the thousands of dead entries that the runs before left at its head (autovacuum waits for 20 %
 * of the table), and the database's CPU per list would grow run after run.
 */
async function resetWrites(db: Client, fixtures: Fixtures): Promise<void> {
  pending.toStart.length = 0;
  pending.toComplete.length = 0;
  await db.query('delete from interview_session where created_at > $1', [fixtures.seededAt]);
  await db.query('vacuum interview_session');
}

// ───────────────────────────── correctness checks ─────────────────────────────

const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const TIMESTAMPS = ['scheduledAt', 'startedAt', 'completedAt', 'createdAt', 'updatedAt'];

/** The first path where two JSON values differ, for a readable failure. */
function firstDifference(a: unknown, b: unknown, path = '$'): string | undefined {
  if (isDeepStrictEqual(a, b)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      const found = firstDifference((a as any)[key], (b as any)[key], `${path}.${key}`);
      if (found) return found;
    }
    return `${path}: key order differs`;
  }
  return `${path}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`;
}

class CheckError extends Error {}

function assertCheck(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CheckError(message);
}

function assertSession(node: any, where: string): void {
  assertCheck(node && typeof node.id === 'string', `${where}: no session`);
  for (const field of TIMESTAMPS) {
    const value = node[field];
    assertCheck(value === null || ISO_MS.test(value), `${where}.${field} is not an ISO timestamp with milliseconds: ${value}`);
  }
  assertCheck(['SCHEDULED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED'].includes(node.status), `${where}.status is ${node.status}`);
}

interface Check {
  scenario: string;
  passed: boolean;
  identicalBytes?: boolean;
  detail?: string;
}

/** Both servers, same request: same JSON, and the rows the database says. */
async function sameAnswer(
  server: Target,
  floor: Target,
  query: string,
  variables?: Record<string, unknown>,
  headers?: Record<string, string>,
  encode?: Encode,
) {
  const [fromServer, fromFloor] = await Promise.all([
    post(server, query, variables, headers, encode),
    post(floor, query, variables, headers, encode),
  ]);
  assertCheck(
    fromServer.status === 200 && !fromServer.body.errors,
    `server answered ${fromServer.status} ${fromServer.text.slice(0, 300)}`,
  );
  assertCheck(fromFloor.status === 200 && !fromFloor.body.errors, `floor answered ${fromFloor.status} ${fromFloor.text.slice(0, 300)}`);
  const difference = firstDifference(fromServer.body, fromFloor.body);
  assertCheck(!difference, `server and floor differ at ${difference}`);
  return { data: fromServer.body.data, identicalBytes: fromServer.text === fromFloor.text };
}

/** A list the benchmark pages through: an order, over the IN_PROGRESS sessions (Q1, Q3) or all of them. */
interface ListShape {
  order: OrderName;
  inProgressOnly: boolean;
}

async function expectedPage(db: Client, { order, inProgressOnly }: ListShape, offset: number): Promise<string[]> {
  const where = inProgressOnly ? "where status = 'in_progress'" : '';
  const { rows } = await db.query<{ id: string }>(
    `select id from interview_session ${where} order by ${SESSION_ORDERS[order].orderBy} offset $1 limit 20`,
    [offset],
  );
  return rows.map((row) => row.id);
}

async function checkPage(
  db: Client,
  server: Target,
  floor: Target,
  list: ListShape,
  query: string,
  variables: Record<string, unknown> | undefined,
  offset: number,
  headers?: Record<string, string>,
  encode?: Encode,
) {
  const { data, identicalBytes } = await sameAnswer(server, floor, query, variables, headers, encode);
  const { nodes, pageInfo } = data.interviewSessions;
  nodes.forEach((node: unknown, i: number) => assertSession(node, `nodes[${i}]`));
  assertCheck(
    isDeepStrictEqual(
      nodes.map((node: { id: string }) => node.id),
      await expectedPage(db, list, offset),
    ),
    'the page is not the rows the database orders there',
  );
  assertCheck(
    !list.inProgressOnly || nodes.every((node: { status: string }) => node.status === 'IN_PROGRESS'),
    'a node is not IN_PROGRESS',
  );
  assertCheck(pageInfo.hasNextPage === true && typeof pageInfo.endCursor === 'string', `pageInfo is ${JSON.stringify(pageInfo)}`);
  return identicalBytes;
}

/** create → start → complete on each server, then both read both sessions back. */
async function checkWrites(server: Target, floor: Target): Promise<boolean> {
  const input = { title: 'Bench check session', candidateName: 'Bench Check Candidate' };
  const chains = [];
  for (const target of [server, floor]) {
    const created = (await post(target, QUERIES.create, { input })).body;
    assertCheck(created.data?.createInterviewSession, `${target.name} create: ${JSON.stringify(created)}`);
    const id = created.data.createInterviewSession.id;
    const started = (await post(target, QUERIES.start, { id })).body;
    assertCheck(started.data?.startInterviewSession, `${target.name} start: ${JSON.stringify(started)}`);
    const completed = (await post(target, QUERIES.complete, { id })).body;
    assertCheck(completed.data?.completeInterviewSession, `${target.name} complete: ${JSON.stringify(completed)}`);
    chains.push({
      target,
      created: created.data.createInterviewSession,
      started: started.data.startInterviewSession,
      completed: completed.data.completeInterviewSession,
    });
  }
  // What the servers set themselves (ids, timestamps) differs; everything else must not.
  const stable = (node: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(node).map(([key, value]) => [
        key,
        key === 'id' || (TIMESTAMPS.includes(key) && value !== null) ? typeof value : value,
      ]),
    );
  for (const step of ['created', 'started', 'completed'] as const) {
    const [a, b] = chains.map((chain) => chain[step]);
    assertSession(a, `server ${step}`);
    assertSession(b, `floor ${step}`);
    const difference = firstDifference(stable(a), stable(b));
    assertCheck(!difference, `the ${step} sessions differ at ${difference}`);
  }
  let identicalBytes = true;
  for (const chain of chains) {
    const { data, identicalBytes: same } = await sameAnswer(server, floor, QUERIES.byId, { id: chain.created.id });
    identicalBytes &&= same;
    const difference = firstDifference(chain.completed, data.interviewSession);
    assertCheck(!difference, `${chain.target.name}: completeInterviewSession returned what a read does not show, at ${difference}`);
    const { createdAt, startedAt, completedAt } = chain.completed;
    assertCheck(
      createdAt === chain.created.createdAt && startedAt === chain.started.startedAt,
      `${chain.target.name}: a later step changed an earlier timestamp`,
    );
    assertCheck(createdAt <= startedAt && startedAt <= completedAt, `${chain.target.name}: timestamps out of order`);
  }
  return identicalBytes;
}

async function runChecks(
  db: Client,
  serverFor: (scenario: Scenario) => Target,
  floor: Target,
  fixtures: Fixtures,
  scenarios: Scenario[],
): Promise<Check[]> {
  const checks: Check[] = [];
  for (const scenario of scenarios) {
    const server = serverFor(scenario);
    const headers = headersOf(scenario);
    const encode = encodingOf(scenario);
    const key = scenario.key.replace(/-(auth|keys|id|trace|unsampled)$/, '');
    try {
      let identicalBytes: boolean;
      const inProgress: ListShape = { order: 'CREATED_AT_DESC', inProgressOnly: true };
      const order = ORDER_NAMES.find((name) => key === name || key === `${name}-deep`);
      if (key === 'Q1' || key === 'Q1-overload') {
        identicalBytes = await checkPage(db, server, floor, inProgress, QUERIES.list, undefined, 0, headers, encode);
      } else if (key === 'Q3') {
        identicalBytes = await checkPage(db, server, floor, inProgress, QUERIES.listAfter, { after: fixtures.cursor }, 5000);
      } else if (order) {
        const all: ListShape = { order, inProgressOnly: false };
        identicalBytes = key.endsWith('-deep')
          ? await checkPage(db, server, floor, all, ORDER_QUERIES[order].after, { after: fixtures.orderCursors[order] }, 5000)
          : await checkPage(db, server, floor, all, ORDER_QUERIES[order].first, undefined, 0);
      } else if (key === 'Q2') {
        const id = fixtures.ids[0]!;
        const answer = await sameAnswer(server, floor, QUERIES.byId, { id }, headers, encode);
        assertSession(answer.data.interviewSession, 'interviewSession');
        assertCheck(answer.data.interviewSession.id === id, 'interviewSession is another session');
        identicalBytes = answer.identicalBytes;
      } else {
        identicalBytes = await checkWrites(server, floor);
      }
      checks.push({ scenario: scenario.key, passed: true, identicalBytes });
      log(`check ${scenario.key}: same answer from both${identicalBytes ? ' (byte-identical)' : ' (same JSON, different bytes)'}`);
    } catch (error) {
      if (!(error instanceof CheckError)) throw error;
      checks.push({ scenario: scenario.key, passed: false, detail: error.message });
      log(`check ${scenario.key}: FAILED: ${error.message}`);
    } finally {
      await resetWrites(db, fixtures);
    }
  }
  return checks;
}

// ───────────────────────────── main ─────────────────────────────

/** The cursor of the 5,000th session of a list, as the server writes it. */
async function cursorAfter5000(db: Client, list: ListShape): Promise<string> {
  const order = SESSION_ORDERS[list.order];
  const filter = list.inProgressOnly ? { status: InterviewSessionStatus.IN_PROGRESS } : undefined;
  const {
    rows: [row],
  } = await db.query<{ id: string; createdAt: Date; scheduledAt: Date | null; updatedAt: Date }>(
    `select id, created_at as "createdAt", scheduled_at as "scheduledAt", updated_at as "updatedAt" from interview_session
     ${filter ? "where status = 'in_progress'" : ''} order by ${order.orderBy} offset 4999 limit 1`,
  );
  if (!row) throw new Error('fewer than 5,000 sessions in a list: raise BENCH_ROWS');
  return new KeysetCursors(order, filterScope(filter)).of(row);
}

/**
 * What a variant changes (`-auth`: authentication; `-keys`: Idempotency-Keys; `-id`: sending by id
 * to trusted documents; `-trace`, `-unsampled`: tracing): each variant scenario's server CPU per
 * request against its plain twin's, same run.
 */
function variantCostOf(summaries: Summary[], suffix: '-auth' | '-keys' | '-id' | '-trace' | '-unsampled') {
  return summaries.flatMap((on) => {
    const off = on.scenario.endsWith(suffix) && summaries.find((summary) => summary.scenario === on.scenario.slice(0, -suffix.length));
    if (!off) return [];
    const [offCpuUs, onCpuUs] = [off.server.cpuUsPerRequest, on.server.cpuUsPerRequest];
    return [{ scenario: off.scenario, offCpuUs, onCpuUs, addedPercent: (100 * (onCpuUs - offCpuUs)) / offCpuUs }];
  });
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** The floor runs as plain JavaScript: no ts-node (and its memory) in the measured process. */
function prepareRuntime(): void {
  mkdirSync(RUNTIME, { recursive: true });
  writeFileSync(join(RUNTIME, 'watch-parent.js'), WATCH_PARENT);
  const source = readFileSync(join(__dirname, 'floor-server.ts'), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  writeFileSync(join(RUNTIME, 'floor-server.js'), outputText);
  writeFileSync(TRUSTED_DOCUMENTS_MANIFEST, JSON.stringify(manifestOf(Object.values(QUERIES))));
}

/** The bench's documents as a client build would list them (Apollo's manifest format), for the -id scenarios. */
const TRUSTED_DOCUMENTS_MANIFEST = join(RUNTIME, 'persisted-query-manifest.json');
function manifestOf(documents: string[]) {
  const operations = documents.map((document) => {
    const [, type = 'query', name = ''] = /^(query|mutation) (\w+)/.exec(document) ?? [];
    return { id: sha256(document), name, type, body: document };
  });
  return { format: 'apollo-persisted-query-manifest', version: 1, operations };
}

/** What was measured: the commit, whether src/ had uncommitted changes, and whether dist/ predates src/. */
/** The node flags of the `start:prod` script, e.g. ["--max-old-space-size=176"]. */
function productionNodeFlags(): string[] {
  const script: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts['start:prod'];
  return script.split(/\s+/).filter((word) => word.startsWith('--'));
}

function codeState(serverMain: string) {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  const distBuiltAt = new Date(statSync(serverMain).mtimeMs);
  const srcChangedAt = new Date(newestMtime(join(ROOT, 'src')));
  try {
    return {
      commit: git('rev-parse', 'HEAD'),
      srcUncommitted: git('status', '--porcelain', '--', 'src') !== '',
      distBuiltAt,
      srcChangedAt,
    };
  } catch {
    return { distBuiltAt, srcChangedAt };
  }
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const serverMain = join(ROOT, 'dist/src/main.js');
  if (!existsSync(serverMain)) throw new Error('dist/src/main.js is missing: run `npm run build` first');
  const code = codeState(serverMain);
  if (code.srcChangedAt > code.distBuiltAt) log('warning: src/ changed after the last build: the benchmark runs the older dist/');
  const scenarios = SCENARIOS.filter((scenario) => !config.scenarios || config.scenarios.includes(scenario.key));
  const fairness = !config.scenarios || config.scenarios.includes('fairness');
  if (scenarios.length === 0 && !fairness) {
    throw new Error(`BENCH_SCENARIOS matches none of ${[...SCENARIOS.map((s) => s.key), 'fairness'].join(', ')}`);
  }

  const seeded: SeedResult = await seed({ databaseUrl: config.databaseUrl, rows: config.rows, log });
  const db = new Client({ connectionString: config.databaseUrl, application_name: 'bench-runner' });
  await db.connect();
  try {
    const ids = (await db.query<{ id: string }>('select id from interview_session order by random() limit 1000')).rows.map((row) => row.id);
    const fixtures: Fixtures = {
      ids,
      cursor: await cursorAfter5000(db, { order: 'CREATED_AT_DESC', inProgressOnly: true }),
      orderCursors: Object.fromEntries(
        await Promise.all(ORDER_NAMES.map(async (order) => [order, await cursorAfter5000(db, { order, inProgressOnly: false })])),
      ) as Record<OrderName, string>,
      seededAt: seeded.seededAt,
    };

    prepareRuntime();
    const profileArgs = config.cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${join(RESULTS, 'profiles')}`] : [];
    benchAuth.headers = { authorization: `Bearer ${await signBenchToken()}` };
    // Run the server exactly as `npm run start:prod` does, V8 flags included. The access log on,
    // as deployed: a line per request is part of what a request costs. No load balancer to drain
    // from: stop at once (a CPU profile is written at the exit). Up to five servers share one
    // PostgreSQL (max_connections 100 by default): a server the load has left closes its
    // connections above DB_POOL_MIN within 2 s, where the default would keep them 10 minutes;
    // under load no connection idles that long.
    const productionFlags = productionNodeFlags();
    const startServer = (env: Record<string, string>, logName?: string) =>
      startTarget(
        'server',
        serverMain,
        [...productionFlags, ...profileArgs],
        { NODE_ENV: 'production', LOG_LEVEL: 'info', SHUTDOWN_DRAIN_DELAY_MS: '0', DB_POOL_IDLE_TIMEOUT_MS: '2000', ...env },
        'interview-sessions-api',
        logName,
      );
    // Authentication off: AUTH_MODE=none, as behind a gateway that authenticates.
    const server = await startServer({ AUTH_MODE: 'none' });
    // Authentication on, for the -auth scenarios: the same server verifying a bearer token on every request.
    const authServer = scenarios.some((scenario) => scenario.auth)
      ? await startServer(
          { AUTH_MODE: 'jwt', AUTH_JWT_SECRET: benchAuth.secret, AUTH_JWT_ISSUER: benchAuth.issuer, AUTH_JWT_AUDIENCE: benchAuth.audience },
          'server-auth',
        )
      : undefined;
    // Trusted documents enforced, for the -id scenarios: the same server, answering documents named by id.
    const trustedServer = scenarios.some((scenario) => scenario.byId)
      ? await startServer({ AUTH_MODE: 'none', TRUSTED_DOCUMENTS: 'enforce', TRUSTED_DOCUMENTS_MANIFEST }, 'server-trusted')
      : undefined;
    // Tracing on, for the -trace scenarios: every request sampled (the default sampler, and no
    // caller's traceparent), exported as deployed (OTLP/HTTP protobuf, the SDK's default batching)
    // to a receiver in this process that counts the spans; for the -unsampled ones, none.
    if (scenarios.some((scenario) => scenario.trace)) otlpReceiver = await startOtlpReceiver();
    const tracingServer = async (sampler: string, logName: string) => {
      const target = await startServer(
        {
          AUTH_MODE: 'none',
          OTEL_EXPORTER_OTLP_ENDPOINT: otlpReceiver!.endpoint,
          OTEL_SERVICE_NAME: 'bench',
          OTEL_TRACES_SAMPLER: sampler,
        },
        logName,
      );
      target.exportedSpans = () => otlpReceiver!.received.spans;
      return target;
    };
    const traceServers = {
      all: scenarios.some((scenario) => scenario.trace === 'all') ? await tracingServer('always_on', 'server-trace') : undefined,
      none: scenarios.some((scenario) => scenario.trace === 'none') ? await tracingServer('always_off', 'server-unsampled') : undefined,
    };
    const serverFor = (scenario: Scenario) =>
      (scenario.auth ? authServer : undefined) ??
      (scenario.byId ? trustedServer : undefined) ??
      (scenario.trace ? traceServers[scenario.trace] : undefined) ??
      server;
    const floor = await startTarget('floor', join(RUNTIME, 'floor-server.js'), [], {}, 'bench-floor');
    log(
      `server pid ${server.pid} on ${server.url}, ${authServer ? `server with auth pid ${authServer.pid} on ${authServer.url}, ` : ''}` +
        (trustedServer ? `server with trusted documents pid ${trustedServer.pid} on ${trustedServer.url}, ` : '') +
        Object.entries(traceServers)
          .map(([sampled, target]) => (target ? `server tracing (sampled: ${sampled}) pid ${target.pid} on ${target.url}, ` : ''))
          .join('') +
        `floor pid ${floor.pid} on ${floor.url}`,
    );

    const checks = await runChecks(db, serverFor, floor, fixtures, scenarios);
    if (checks.some((check) => !check.passed))
      throw new Error('the servers disagree (see the checks above): not benchmarking a floor that answers something else');

    const runs: Measurement[] = [];
    for (let round = 1; round <= config.rounds; round += 1) {
      for (const scenario of scenarios) {
        // Alternate who goes first, so a drift of the machine does not always favour one side.
        const order = (round + scenarios.indexOf(scenario)) % 2 === 1 ? [serverFor(scenario), floor] : [floor, serverFor(scenario)];
        for (const target of order) runs.push(await measure(db, target, scenario, fixtures, round));
      }
    }

    const summaries: Summary[] = scenarios.map((scenario) => {
      const of = (name: TargetName) => summarise(runs.filter((run) => run.scenario === scenario.key && run.target === name));
      const [s, fl] = [of('server'), of('floor')];
      return {
        scenario: scenario.key,
        title: scenario.title,
        connections: scenario.connections,
        server: s,
        floor: fl,
        ratio: { rps: s.rps / fl.rps, cpuPerRequest: s.cpuUsPerRequest / fl.cpuUsPerRequest },
      };
    });
    const table = markdown(summaries);
    console.log(`\n${table}\n`);
    console.log(scenarios.map((scenario) => `${scenario.key}: ${scenario.title}`).join('; '));
    const authCost = variantCostOf(summaries, '-auth');
    const keysCost = variantCostOf(summaries, '-keys');
    const byIdCost = variantCostOf(summaries, '-id');
    const traceCost = variantCostOf(summaries, '-trace');
    const unsampledCost = variantCostOf(summaries, '-unsampled');
    for (const [what, costs] of [
      ['auth on vs off', authCost],
      ['Idempotency-Keys on vs off', keysCost],
      ['by id (trusted documents) vs as text', byIdCost],
      ['tracing on vs off', traceCost],
      ['tracing on, nothing sampled, vs off', unsampledCost],
    ] as const) {
      for (const { scenario, offCpuUs, onCpuUs, addedPercent } of costs) {
        console.log(
          `${what}, ${scenario}: server CPU ${offCpuUs.toFixed(0)} → ${onCpuUs.toFixed(0)} µs/request (${addedPercent >= 0 ? '+' : ''}${addedPercent.toFixed(1)} %)`,
        );
      }
    }
    for (const scenario of scenarios.filter((candidate) => candidate.trace)) {
      const perRun = runs
        .filter((run) => run.scenario === scenario.key && run.target === 'server')
        .map((run) => run.spansPerRequest ?? NaN);
      console.log(`spans exported per request, ${scenario.key}: ${perRun.map((spans) => spans.toFixed(2)).join(', ')} (each run)`);
    }
    const fairnessResult = fairness ? await measureFairness(server.url, config.duration) : undefined;
    if (fairnessResult) console.log(`\n${fairnessTable(fairnessResult)}\n`);
    mkdirSync(RESULTS, { recursive: true });
    const report = {
      startedAt,
      finishedAt: new Date(),
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, node: process.version },
      code,
      config: { ...config, databaseUrl: config.databaseUrl.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@') },
      notes: [
        'rps = responses / wall time of the measured run; latencies from every response (not autocannon’s ms histogram)',
        'CPU µs/req from /proc/<pid>/stat utime+stime (10 ms ticks) of the server process, over the measured run',
        'DB CPU µs/req: the same for the PostgreSQL backends with the target’s application_name',
        'peak RSS: VmRSS polled every 50 ms during the measured run',
      ],
      seed: seeded,
      checks,
      summary: summaries,
      authCost,
      keysCost,
      byIdCost,
      traceCost,
      unsampledCost,
      table,
      fairness: fairnessResult,
      runs,
    };
    writeFileSync(join(RESULTS, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    log(`wrote ${join(RESULTS, 'latest.json')}`);
  } finally {
    await db.end();
  }
}

let stopping = false;
function interrupt(signal: NodeJS.Signals): void {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping the servers…`);
  current?.stop();
  void stopAll().finally(() => process.exit(130));
}
process.once('SIGINT', interrupt);
process.once('SIGTERM', interrupt);
process.on('exit', () => {
  for (const { child } of targets) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

main()
  .catch((error: unknown) => {
    if (!stopping) console.error(error instanceof Error ? `bench failed: ${error.stack ?? error.message}` : error);
    process.exitCode = 1;
  })
  .finally(async () => {
    if (!stopping) await stopAll();
  });
