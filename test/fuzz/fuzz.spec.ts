/**
 * A bounded, deterministic fuzz test over real HTTP: a few thousand requests from a seeded PRNG
 * (FUZZ_SEED overrides the seed, FUZZ_CASES the count), mixing malformed bodies, wrong content
 * types, odd GET query strings, bodies around the size limit, abusive documents and hostile
 * values in every argument of every operation with valid mutations whose effect is tracked in a
 * model. Every response must be JSON in the GraphQL error contract, never a 5xx, never an
 * unexpected INTERNAL_SERVER_ERROR, never a stack trace, SQL or connection detail; at the end the
 * server must still answer and the table must hold exactly the rows the model expects.
 *
 * Failures are collected and reported together, each with the seed and the case index.
 *
 * Here the wiring; the run is in run.ts, the contract in judge.ts, the case families in cases/,
 * the values they draw from in values/.
 */
import { ifSetUp } from '../support/if-set-up';
import { startTestApp, type TestApp } from '../support/test-app';
import { GRAPHQL_STATUS, Model, type Status } from './model';
import { checkTable } from './model-checks';
import { report, summarizeRun } from './report';
import { JSON_HEADERS } from './request';
import { runFuzz } from './run';

const SEED = Number(process.env.FUZZ_SEED ?? 20261126);
const CASES = Number(process.env.FUZZ_CASES ?? 3000);
/** Examples shown per group of failures (FUZZ_EXAMPLES overrides). */
const EXAMPLES = Number(process.env.FUZZ_EXAMPLES ?? 3);

let app: TestApp;
const model = new Model();

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await ifSetUp(app)?.stop();
});

describe(`fuzzing the HTTP API (seed ${SEED}, ${CASES} cases)`, () => {
  it('answers every request in the contract: no 5xx, JSON with data or coded errors, no leaks, no internal errors', async () => {
    const run = await runFuzz(app, model, { seed: SEED, cases: CASES });
    console.log(summarizeRun(run, model));
    if (run.failures.length > 0) throw new Error(report('fuzz', run.failures, { seed: SEED, cases: CASES, examples: EXAMPLES }));
  }, 300_000);

  it('still answers { __typename } afterwards', async () => {
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' }, extensions: { cost: { requested: 1 } } });
  });

  it('holds exactly the rows the valid mutations created, in the status the model expects', async () => {
    const { tableRows, problems } = await checkTable(app, model);
    const byStatus = Object.keys(GRAPHQL_STATUS).map((status) => `${status} ${model.count(status as Status)}`);
    console.log(`table: ${tableRows} rows, model: ${model.rows.size} (${byStatus.join(', ')})`);
    if (problems.length > 0)
      throw new Error(`table vs model (seed ${SEED}), ${problems.length} problem(s):\n${problems.slice(0, 50).join('\n')}`);
  });
});
