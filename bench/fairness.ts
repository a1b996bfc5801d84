/**
 * The benchmark's fairness check: a well-behaved client listing a page every 100 ms, alone, then
 * while attackers send the costliest documents the limits accept (five counts each, as fast as
 * they can). What matters is what the well-behaved client sees: its latency and its errors.
 */
import autocannon from 'autocannon';
import { QUERIES } from './floor-server';

const ATTACKERS = 5;
/** The costliest accepted document with the default limits: five counts (GRAPHQL_MAX_COST 5000, a count 900). */
export const COSTLIEST_DOCUMENT = `{ ${Array.from({ length: 5 }, (_, i) => `a${i}: interviewSessions(first: 1) { totalCount }`).join(' ')} }`;

export interface ClientView {
  requests: number;
  p50: number;
  p99: number;
  errors: number;
}

export interface FairnessResult {
  alone: ClientView;
  underAttack: ClientView;
  attack: { requests: number; refused: number };
}

const percentile = (sorted: number[], q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;

/** A paced client (10 requests/s) and what it saw; responses with errors count as errors. */
function wellBehaved(url: string, seconds: number): Promise<ClientView> {
  const latencies: number[] = [];
  let errors = 0;
  const run = autocannon({
    url,
    method: 'POST',
    connections: 1,
    overallRate: 10,
    duration: seconds,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: QUERIES.list }),
  });
  run.on('response', (_client, status, _bytes, ms) => {
    latencies.push(ms);
    if (status !== 200) errors += 1;
  });
  return Promise.resolve(run).then((result) => {
    latencies.sort((a, b) => a - b);
    return {
      requests: latencies.length,
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      errors: errors + result.errors + result.timeouts,
    };
  });
}

function attack(url: string, seconds: number): Promise<FairnessResult['attack']> {
  let requests = 0;
  let refused = 0;
  const run = autocannon({
    url,
    method: 'POST',
    connections: ATTACKERS,
    duration: seconds,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: COSTLIEST_DOCUMENT }),
  });
  run.on('response', (_client, status) => {
    requests += 1;
    if (status !== 200) refused += 1;
  });
  return Promise.resolve(run).then(() => ({ requests, refused }));
}

export async function measureFairness(url: string, seconds: number): Promise<FairnessResult> {
  const alone = await wellBehaved(url, seconds);
  const [underAttack, attacked] = await Promise.all([wellBehaved(url, seconds), attack(url, seconds)]);
  return { alone, underAttack, attack: attacked };
}

export function fairnessTable({ alone, underAttack, attack: attacked }: FairnessResult): string {
  const row = (name: string, view: ClientView) =>
    `| ${name} | ${view.requests} | ${view.p50.toFixed(2)} | ${view.p99.toFixed(2)} | ${view.errors} |`;
  return [
    `Fairness: a client listing a page every 100 ms, alone and while ${ATTACKERS} clients send five counts per document as fast as they can (${attacked.requests} documents, ${attacked.refused} refused with a limit's code)`,
    '',
    '| well-behaved client | requests | p50 ms | p99 ms | errors |',
    '|---|---:|---:|---:|---:|',
    row('alone', alone),
    row('during the attack', underAttack),
  ].join('\n');
}
