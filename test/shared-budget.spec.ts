import { graphql, type GraphQLResponse } from './support/graphql-client';
import { health } from './support/health';
import { logged } from './support/log-lines';
import { sample, scrape } from './support/metrics';
import { freePort } from './support/ports';
import { deleteKeys, REDIS_URL, startRedisServer, testKeyPrefix, type RedisServer } from './support/redis';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

/**
 * The cost budget of a client shared by every instance through Redis (REDIS_URL), and Redis
 * down or slow never taking the API down: the request is charged to the instance's share in
 * memory, served, and the miss logged and counted; /health/ready does not care.
 */

const PAGE = '{ interviewSessions(first: 20) { nodes { id title } pageInfo { endCursor } } }';
const PAGE_COST = 85;
/**
 * 600 points for each client, refilled at 300 a second; two instances expected, so each keeps a
 * share of 300 (refilled at 150) in memory for when Redis does not answer. The budget a response
 * reports says which one it was charged to.
 */
const BUDGET = {
  GRAPHQL_MAX_COST: '300',
  CLIENT_COST_BUDGET: '600',
  CLIENT_COST_RESTORE_PER_SECOND: '300',
  EXPECTED_INSTANCES: '2',
  REDIS_TIMEOUT_MS: '50',
};
const SHARED = { limit: 600, restoreRate: 300 };
const SHARE = { limit: 300, restoreRate: 150 };

const apps: TestApp[] = [];
let prefix: string;
beforeEach(() => {
  prefix = testKeyPrefix();
});
afterEach(async () => {
  // Last started, first stopped: an instance that shares another's database stops before it.
  for (const app of apps.splice(0).reverse()) await app.stop();
  await deleteKeys(REDIS_URL, prefix);
});

async function start(redisUrl: string, logLines?: string[], db?: TestApp['db']): Promise<TestApp> {
  const app = await startTestApp({ ...BUDGET, REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix }, { logLines, db });
  apps.push(app);
  return app;
}

const budgetOf = (response: GraphQLResponse) => {
  expect(response.status).toBe(200);
  const { limit, restoreRate, remaining } = response.body.extensions!.cost;
  return { limit, restoreRate, remaining };
};

const misses = async (app: TestApp, reason: string) =>
  sample(await scrape(app.url), 'graphql_cost_budget_misses_total', `{reason="${reason}"}`) ?? 0;

describe('a budget shared through Redis', () => {
  it('is one budget per client across instances', async () => {
    const a = await start(REDIS_URL);
    const b = await start(REDIS_URL, undefined, a.db);
    expect(budgetOf(await graphql(a.url, PAGE))).toEqual({ ...SHARED, remaining: 600 - PAGE_COST });
    expect(budgetOf(await graphql(b.url, PAGE))).toEqual({ ...SHARED, remaining: 600 - 2 * PAGE_COST });
    for (let spent = 3; spent <= 7; spent++) await graphql(spent % 2 ? a.url : b.url, PAGE);
    // 7 pages spent: 5 points left, on either instance.
    for (const app of [a, b]) {
      const refused = await graphql(app.url, PAGE);
      expect([refused.status, refused.body.extensions!.cost.remaining]).toEqual([429, 600 - 7 * PAGE_COST]);
    }
  });

  it('is kept by each instance for its share while Redis is down: at start, and when it stops mid-run', async () => {
    const lines: string[] = [];
    const port = await freePort();
    let redis: RedisServer | undefined;
    try {
      // Nothing listens there yet: the server starts anyway, and serves.
      const app = await start(`redis://127.0.0.1:${port}`, lines);
      expect(budgetOf(await graphql(app.url, PAGE))).toEqual({ ...SHARE, remaining: 300 - PAGE_COST });

      redis = await startRedisServer(port);
      // Asked with a document of 1 point, which no share runs out of meanwhile.
      await waitFor(
        async () => budgetOf(await graphql(app.url, '{ __typename }')).limit === SHARED.limit,
        'the budget to be shared',
        10_000,
      );
      expect(logged(lines).filter((line) => line.msg.startsWith('cost budgets: Redis answers again'))).toHaveLength(1);

      const missesBefore = await misses(app, 'unavailable');
      await redis.stop();
      for (let i = 0; i < 3; i++) expect(budgetOf(await graphql(app.url, '{ __typename }')).limit).toBe(SHARE.limit);
      expect(await misses(app, 'unavailable')).toBe(missesBefore + 3);
      expect((await health(app.url, '/health/ready')).status).toBe(200);
      // One warning for each run of misses, not one for each miss: at start, and now.
      expect(logged(lines).filter((line) => line.msg.startsWith('cost budgets: Redis did not answer'))).toHaveLength(2);
    } finally {
      await redis?.stop();
    }
  });

  it('is kept by each instance for its share when Redis is slow, after REDIS_TIMEOUT_MS', async () => {
    const target = new URL(REDIS_URL);
    const proxy: TcpProxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    try {
      const app = await start(`redis://${proxy.host}:${proxy.port}`);
      expect(budgetOf(await graphql(app.url, PAGE)).limit).toBe(SHARED.limit);
      // Redis, through the proxy, still holds the connection and never answers.
      await proxy.setMode('stall');
      const startedAt = performance.now();
      const response = await graphql(app.url, PAGE);
      const milliseconds = performance.now() - startedAt;
      expect(budgetOf(response)).toEqual({ ...SHARE, remaining: 300 - PAGE_COST });
      // 50 ms for Redis, the rest for the request itself: far from a second, on a busy machine too.
      expect(milliseconds).toBeLessThan(1_000);
      expect(await misses(app, 'timeout')).toBe(1);
    } finally {
      await proxy.close();
    }
  });
});
