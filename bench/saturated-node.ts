/**
 * Is a long latency tail under overload this server's, or any saturated Node HTTP server's?
 * A bare node:http server that spends BURN_US of CPU per request (half before, half after one
 * event-loop turn standing in for the database) and answers 7 KB, loaded by autocannon at
 * 200 connections: the handler's own time against what the client sees.
 *
 *   npx ts-node --transpile-only bench/saturated-node.ts      (BURN_US=800, BENCH_DURATION=8)
 */
import { createServer } from 'node:http';
import autocannon from 'autocannon';

const burnUs = Number(process.env.BURN_US ?? 800);
const seconds = Number(process.env.BENCH_DURATION ?? 8);
const answer = JSON.stringify({ data: 'x'.repeat(7_000) });

function burn(microseconds: number): void {
  const end = process.hrtime.bigint() + BigInt(microseconds * 1_000);
  while (process.hrtime.bigint() < end);
}

function percentiles(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => (sorted[Math.floor(q * (sorted.length - 1))] ?? 0).toFixed(0);
  return `p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`;
}

async function main(): Promise<void> {
  const handlerMs: number[] = [];
  const server = createServer((request, response) => {
    const started = performance.now();
    request.resume();
    request.on('end', () => {
      burn(burnUs / 2);
      setImmediate(() => {
        burn(burnUs / 2);
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(answer);
        handlerMs.push(performance.now() - started);
      });
    });
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as { port: number };
  // autocannon runs in worker threads, so the client does not share this process's busy thread.
  const result = await autocannon({ url: `http://127.0.0.1:${port}/`, connections: 200, duration: seconds, workers: 2 });
  server.closeAllConnections();
  server.close();
  const { latency } = result;
  console.log(`${burnUs} µs of CPU per request, 200 connections, ${seconds} s: ${result.requests.total} requests`);
  console.log(`  the handler's own time: ${percentiles(handlerMs)}`);
  console.log(`  what the client saw:    p50 ${latency.p50} ms, p99 ${latency.p99} ms, max ${latency.max} ms`);
}

void main();
