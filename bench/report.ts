/** The benchmark's results: medians over rounds, and the markdown table. */

export type TargetName = 'server' | 'floor';

export interface Measurement {
  round: number;
  scenario: string;
  target: TargetName;
  connections: number;
  seconds: number;
  responses: number;
  rps: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  graphqlErrors: number;
  /** 503 OVERLOADED: refused at once by admission control (HTTP_MAX_IN_FLIGHT), counted apart from failures. */
  shed: number;
  cpuUsPerRequest: number;
  dbCpuUsPerRequest: number;
  /** This process (autocannon): if it is near a full core, the numbers measure the generator. */
  loadGeneratorCpuUsPerRequest: number;
  /** Busy share of all the machine's cores during the run: near 100 %, everything competes. */
  machineCpuBusyPercent: number;
  peakRssMb: number;
  requestKinds?: Record<string, number>;
  /** Spans the traced server exported per response, during the run (a -trace scenario). */
  spansPerRequest?: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export interface Summary {
  scenario: string;
  title: string;
  connections: number;
  server: ReturnType<typeof summarise>;
  floor: ReturnType<typeof summarise>;
  ratio: { rps: number; cpuPerRequest: number };
}

export function summarise(runs: Measurement[]) {
  return {
    rps: median(runs.map((run) => run.rps)),
    p50Ms: median(runs.map((run) => run.latencyMs.p50)),
    p99Ms: median(runs.map((run) => run.latencyMs.p99)),
    cpuUsPerRequest: median(runs.map((run) => run.cpuUsPerRequest)),
    dbCpuUsPerRequest: median(runs.map((run) => run.dbCpuUsPerRequest)),
    peakRssMb: Math.max(...runs.map((run) => run.peakRssMb)),
    failures: runs.reduce((sum, run) => sum + run.errors + run.timeouts + run.non2xx - run.shed + run.graphqlErrors, 0),
    shed: runs.reduce((sum, run) => sum + run.shed, 0),
  };
}

export function markdown(summaries: Summary[]): string {
  const f = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
  const pair = (a: number, b: number, digits = 0) => `${f(a, digits)} / ${f(b, digits)}`;
  const lines = [
    '| scenario | conns | req/s server / floor | server ÷ floor | p50 ms server / floor | p99 ms server / floor | server CPU µs/req (floor) | DB CPU µs/req server / floor | peak RSS MB server / floor | errors server / floor | shed server |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const { scenario, connections, server: s, floor: fl, ratio } of summaries) {
    lines.push(
      `| ${scenario} | ${connections} | ${pair(s.rps, fl.rps)} | ${f(ratio.rps, 2)} | ${pair(s.p50Ms, fl.p50Ms, 2)} | ${pair(s.p99Ms, fl.p99Ms, 2)} | ` +
        `${f(s.cpuUsPerRequest)} (${f(fl.cpuUsPerRequest)}, ×${f(ratio.cpuPerRequest, 1)}) | ${pair(s.dbCpuUsPerRequest, fl.dbCpuUsPerRequest)} | ` +
        `${pair(s.peakRssMb, fl.peakRssMb)} | ${s.failures} / ${fl.failures} | ${s.shed} |`,
    );
  }
  return lines.join('\n');
}
