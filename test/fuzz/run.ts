import type { TestApp } from '../support/test-app';
import type { Case, CaseContext } from './case';
import { generate } from './generate';
import { judge } from './judge';
import type { Model } from './model';
import { checkCounts } from './model-checks';
import { failureOf, type Failure, type Finding, type FuzzRun } from './report';
import { Rng } from './rng';
import { send } from './send';

/** Cases in flight at once: enough to race each other on the pool, few enough to stay readable. */
const CONCURRENCY = 8;
/** Rounds (of CONCURRENCY cases) between two quiet consistency checks of counts against the model. */
const CHECKPOINT_EVERY = 60;

/**
 * `cases` cases from `seed` against the app, in rounds of CONCURRENCY: a round's cases are
 * generated first (none shares a model row with another), sent together, then judged in order,
 * which is when the model follows what they did. Every problem is collected, none stops the run.
 */
export async function runFuzz(app: TestApp, model: Model, { seed, cases }: { seed: number; cases: number }): Promise<FuzzRun> {
  const rng = new Rng(seed);
  const bodyLimit = app.http.initialConfig.bodyLimit ?? 102_400;
  const failures: Failure[] = [];
  const record = (index: number, finding: Finding) => failures.push(failureOf(seed, index, finding));
  let casesRun = 0;
  const checkpoint = async () => {
    const finding = await checkCounts(app.url, model);
    if (finding) record(casesRun, finding);
  };
  const tally = new Map<string, number>();
  let slowest = { ms: 0, label: '' };
  const started = performance.now();
  for (let round = 0; casesRun < cases; round++) {
    const context: CaseContext = { rng, model, busy: new Set(), bodyLimit, db: app.db };
    const batch: { index: number; fuzzCase: Case }[] = [];
    while (batch.length < CONCURRENCY && casesRun < cases) {
      const { family, fuzzCase } = generate(context);
      tally.set(family, (tally.get(family) ?? 0) + 1);
      batch.push({ index: casesRun++, fuzzCase });
    }
    const replies = await Promise.all(batch.map(({ fuzzCase }) => send(app.url, fuzzCase.request)));
    batch.forEach(({ fuzzCase }, i) => {
      const reply = replies[i]!;
      if (reply.ms > slowest.ms) slowest = { ms: reply.ms, label: fuzzCase.label };
    });
    for (const [i, { index, fuzzCase }] of batch.entries()) {
      for (const problem of await judge(fuzzCase, replies[i]!)) record(index, { fuzzCase, reply: replies[i]!, problem });
    }
    if (round % CHECKPOINT_EVERY === CHECKPOINT_EVERY - 1) await checkpoint();
  }
  await checkpoint();
  return { seed, casesRun, seconds: (performance.now() - started) / 1000, slowest, tally, failures };
}
