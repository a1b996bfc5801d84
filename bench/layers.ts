/**
 * Where a request's CPU goes, layer by layer: `npm run bench:layers`.
 *
 * Each layer is the difference between two servers measured the same way in the same run
 * (autocannon, BENCH_CONNECTIONS connections, server CPU per request from /proc, medians of
 * BENCH_ROUNDS rounds of BENCH_DURATION seconds):
 *
 *   node:http answering `{ __typename }`                  the transport (bench/stack-servers.ts)
 *   Fastify + Apollo Server answering it                   + the stack's request pipeline
 *   this server answering it, LOG_LEVEL=warn               + this project's per-request work
 *   this server answering it                               + the access log line
 *   this server answering Q2 / Q1                          + execution and the data path
 *   the floor answering Q2 / Q1                            for comparison: the floor's own data path
 *
 * Prints a markdown table on stdout; everything else on stderr. BENCH_SERVER measures another
 * build of the server (its dist/src/main.js), for before/after comparisons.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import autocannon from 'autocannon';
import { Client } from 'pg';
import ts from 'typescript';
import { freePort } from '../test/support/ports';
import { QUERIES } from './floor-server';
import { cpuTicks } from './proc-stats';
import { benchRows, DEFAULT_DATABASE_URL, seed } from './seed';

const ROOT = join(__dirname, '..');
const RUNTIME = join(__dirname, 'results', 'runtime');
const number = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const settings = {
  databaseUrl: process.env.BENCH_DATABASE_URL ?? DEFAULT_DATABASE_URL,
  duration: number('BENCH_DURATION', 8),
  warmup: number('BENCH_WARMUP', 3),
  rounds: number('BENCH_ROUNDS', 2),
  connections: number('BENCH_CONNECTIONS', 32),
};
const log = (line: string) => console.error(line);

interface Variant {
  key: string;
  script: string;
  args?: string[];
  env?: Record<string, string>;
  document: 'ping' | 'Q1' | 'Q2';
}

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

function transpile(name: string): string {
  const { outputText } = ts.transpileModule(readFileSync(join(__dirname, `${name}.ts`), 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  const file = join(RUNTIME, `${name}.js`);
  writeFileSync(file, outputText);
  return file;
}

async function start(variant: Variant): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [...(variant.args ?? []), variant.script], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      // No load balancer to drain from: stop at once.
      SHUTDOWN_DRAIN_DELAY_MS: '0',
      // Production needs an authentication choice; the layers are measured without it (bench:run measures auth).
      AUTH_MODE: 'none',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: settings.databaseUrl,
      ...variant.env,
    },
    // Logs to a file, as bench/run.ts writes them.
    stdio: ['ignore', openSync(join(__dirname, 'results', 'layers.log'), 'a'), 2],
  });
  children.add(child);
  const url = `http://127.0.0.1:${port}/graphql`;
  for (let attempt = 0; attempt < 300; attempt++) {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: QUERIES.ping }),
      });
      if (response.ok) return { child, url };
    } catch {
      // not listening yet
    }
    await new Promise((retry) => setTimeout(retry, 100));
  }
  throw new Error(`${variant.key} did not answer`);
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await exited;
  children.delete(child);
}

function load(url: string, document: Variant['document'], ids: string[], seconds: number) {
  const body = () =>
    document === 'Q2'
      ? JSON.stringify({ query: QUERIES.byId, variables: { id: ids[Math.floor(Math.random() * ids.length)] } })
      : JSON.stringify({ query: document === 'Q1' ? QUERIES.list : QUERIES.ping });
  return autocannon({
    url,
    method: 'POST',
    connections: settings.connections,
    duration: seconds,
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: (request: object) => ({ ...request, body: body() }) }],
  });
}

/** Server CPU µs per request over one measured run. */
async function measure(variant: Variant, ids: string[]): Promise<number> {
  const { child, url } = await start(variant);
  try {
    await load(url, variant.document, ids, settings.warmup);
    const before = cpuTicks(child.pid!);
    const result = (await load(url, variant.document, ids, settings.duration)) as unknown as {
      requests: { total: number };
      non2xx: number;
    };
    if (result.non2xx > 0) throw new Error(`${variant.key}: ${result.non2xx} answers were not 200`);
    return ((cpuTicks(child.pid!) - before) * 10_000) / result.requests.total;
  } finally {
    await stop(child);
  }
}

/** Of an even count, the mean of the middle two: of two rounds, their mean, not the larger. */
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  return Number.isInteger(middle) ? (sorted[middle - 1]! + sorted[middle]!) / 2 : sorted[Math.floor(middle)]!;
};

async function main(): Promise<void> {
  mkdirSync(RUNTIME, { recursive: true });
  const stack = transpile('stack-servers');
  const floor = transpile('floor-server');
  // Another build to compare with (e.g. a worktree of an older commit): BENCH_SERVER=/path/dist/src/main.js.
  const server = process.env.BENCH_SERVER ?? join(ROOT, 'dist/src/main.js');
  // The node flags of that build's own `start:prod` script.
  const serverRoot = join(dirname(server), '..', '..');
  const productionFlags = (
    JSON.parse(readFileSync(join(serverRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  ).scripts['start:prod']!.split(/\s+/).filter((word) => word.startsWith('--'));
  await seed({ databaseUrl: settings.databaseUrl, rows: benchRows(), log });
  const db = new Client({ connectionString: settings.databaseUrl });
  await db.connect();
  const ids = (await db.query<{ id: string }>('select id from interview_session order by random() limit 1000')).rows.map((row) => row.id);
  await db.end();

  const variants: Variant[] = [
    { key: 'http', script: stack, env: { STACK: 'http' }, document: 'ping' },
    { key: 'apollo', script: stack, env: { STACK: 'apollo' }, document: 'ping' },
    { key: 'server ping quiet', script: server, args: productionFlags, env: { LOG_LEVEL: 'warn' }, document: 'ping' },
    { key: 'server ping', script: server, args: productionFlags, document: 'ping' },
    { key: 'server Q2', script: server, args: productionFlags, document: 'Q2' },
    { key: 'floor Q2', script: floor, document: 'Q2' },
    { key: 'server Q1', script: server, args: productionFlags, document: 'Q1' },
    { key: 'floor Q1', script: floor, document: 'Q1' },
  ];
  const samples = new Map<string, number[]>(variants.map((variant) => [variant.key, []]));
  for (let round = 1; round <= settings.rounds; round++) {
    for (const variant of round % 2 === 1 ? variants : [...variants].reverse()) {
      const microseconds = await measure(variant, ids);
      samples.get(variant.key)!.push(microseconds);
      log(`round ${round} ${variant.key.padEnd(18)} ${microseconds.toFixed(0)} µs/request`);
    }
  }
  const cpu = (key: string) => median(samples.get(key)!);
  const whole = (query: string) => `${cpu(`server ${query}`).toFixed(0)} / ${cpu(`floor ${query}`).toFixed(0)}`;
  const rows: [string, string, number | string][] = [
    ['HTTP transport', 'node:http, JSON in and out', cpu('http')],
    ['Fastify + Apollo Server pipeline', 'Fastify + Apollo answering `{ __typename }`, minus the above', cpu('apollo') - cpu('http')],
    [
      'this project per request',
      'request id, Accept check, error status, metrics, jit executor; the server minus the above',
      cpu('server ping quiet') - cpu('apollo'),
    ],
    ['access log line', 'LOG_LEVEL=info minus LOG_LEVEL=warn', cpu('server ping') - cpu('server ping quiet')],
    ['Q2: execution + data path', 'server Q2 minus server `{ __typename }`', cpu('server Q2') - cpu('server ping')],
    ['Q2: the floor data path', 'floor Q2 minus node:http', cpu('floor Q2') - cpu('http')],
    ['Q1: execution + data path', 'server Q1 minus server `{ __typename }`', cpu('server Q1') - cpu('server ping')],
    ['Q1: the floor data path', 'floor Q1 minus node:http', cpu('floor Q1') - cpu('http')],
    ['Q2 whole', 'server / floor', whole('Q2')],
    ['Q1 whole', 'server / floor', whole('Q1')],
  ];
  console.log('| layer | measured as | CPU µs/request |\n|---|---|---:|');
  for (const [layer, how, microseconds] of rows) {
    console.log(`| ${layer} | ${how} | ${typeof microseconds === 'number' ? microseconds.toFixed(0) : microseconds} |`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
