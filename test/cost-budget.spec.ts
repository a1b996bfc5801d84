import { graphql } from './support/graphql-client';
import { requestLines } from './support/log-lines';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Cost you can see: every operation that runs says in `extensions.cost` what it cost, priced by
 * the cost model before it ran (README, Fair use), and its log line says the same.
 */

const PAGE = '{ interviewSessions(first: 20) { nodes { id title } pageInfo { endCursor } } }';
/** 2 for the connection, 2 + 1 for pageInfo, (2 + 1 + 1) per item of the page. */
const PAGE_COST = 2 + 3 + 20 * 4;

let app: TestApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

describe('the cost of an operation', () => {
  it('is reported in extensions.cost of its response, and in its log line', async () => {
    const lines: string[] = [];
    app = await startTestApp({}, { logLines: lines });
    const response = await graphql(app.url, PAGE);
    expect(response.status).toBe(200);
    expect(response.body.extensions).toEqual({ cost: { requested: PAGE_COST } });
    expect(requestLines(lines).at(-1)).toMatchObject({ outcome: 'ok', cost: PAGE_COST });
  });

  it('is not reported for a document that never ran', async () => {
    const lines: string[] = [];
    app = await startTestApp({}, { logLines: lines });
    const response = await graphql(app.url, '{ interviewSessions(first: 20) { nope } }');
    expect(response.status).toBe(400);
    expect(response.body.extensions).toBeUndefined();
    expect(requestLines(lines).at(-1)).not.toHaveProperty('cost');
  });
});
