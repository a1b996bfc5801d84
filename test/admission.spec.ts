import { errorCodes, graphql } from './support/graphql-client';
import { ifSetUp } from './support/if-set-up';
import { sample, scrape } from './support/metrics';
import { lockSessionsTable, releaseTableLocks, serverQueriesWaitingOnLocks } from './support/table-lock';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

/**
 * Past saturation the server sheds load instead of queueing it (docs/operations.md): with
 * HTTP_MAX_IN_FLIGHT GraphQL requests running, the next one gets 503 OVERLOADED with
 * Retry-After: 1 at once, while the probes and /metrics still answer.
 */

const LIST = '{ interviewSessions(first: 1) { nodes { id } } }';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ HTTP_MAX_IN_FLIGHT: '2', DB_STATEMENT_TIMEOUT_MS: '20000', DB_QUERY_TIMEOUT_MS: '20000' });
});
afterAll(() => ifSetUp(app)?.stop());
afterEach(releaseTableLocks);

describe('with HTTP_MAX_IN_FLIGHT=2 requests running', () => {
  it('refuses a third with 503 OVERLOADED and Retry-After: 1, counts it, and serves again once one is done', async () => {
    const blocker = await lockSessionsTable(app.db.url);
    const running = [graphql(app.url, LIST), graphql(app.url, LIST)];
    await waitFor(async () => (await serverQueriesWaitingOnLocks(app.db)) === 2, 'two requests running, waiting on the lock');

    const third = await graphql(app.url, LIST);
    expect(third.status).toBe(503);
    expect(third.headers.get('retry-after')).toBe('1');
    expect(errorCodes(third)).toEqual(['OVERLOADED']);
    expect((await fetch(`${app.url}/health/live`)).status).toBe(200);
    expect(sample(await scrape(app.url), 'http_requests_refused_total', '{reason="overloaded"}')).toBe(1);

    await blocker.query('commit');
    for (const response of await Promise.all(running)) expect(response.status).toBe(200);
    expect((await graphql(app.url, LIST)).status).toBe(200);
  });
});
