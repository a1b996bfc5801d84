import { randomUUID } from 'node:crypto';
import { errorCodes, graphql, type GraphQLResponse } from './support/graphql-client';
import { keyedRequest } from './support/keyed-request';
import { requestLines } from './support/log-lines';
import { sample, scrape } from './support/metrics';
import { startTestApp, type TestApp } from './support/test-app';
import { AUDIENCE, bearer, ISSUER, newSecret, secretKey, signToken } from './support/tokens';

/**
 * Cost you can see, and a budget per client: every operation that runs says in
 * `extensions.cost` what it cost, priced by the cost model before it ran (README, Fair use),
 * and its log line says the same. With CLIENT_COST_BUDGET, each client (its token's `sub`, or
 * its address) has a budget of points that refills over time; an operation that would overdraw
 * it is refused before it runs, with 429 and a Retry-After after which it is served.
 */

const PAGE = '{ interviewSessions(first: 20) { nodes { id title } pageInfo { endCursor } } }';
/** 2 for the connection, 2 + 1 for pageInfo, (2 + 1 + 1) per item of the page. */
const PAGE_COST = 2 + 3 + 20 * 4;
/** 16 creations of 3 points each (2 for the object field, 1 for its id): 48 points. */
const SIXTEEN_CREATIONS = `mutation { ${Array.from({ length: 16 }, (_, i) => `c${i}: createInterviewSession(input: { title: "t", candidateName: "c" }) { id }`).join(' ')} }`;

/**
 * A budget of 300 points refilled at 150 a second: spent over a window of 2 s that starts with
 * the client's first request. The document limit must fit in it.
 */
const BUDGET = { GRAPHQL_MAX_COST: '300', CLIENT_COST_BUDGET: '300', CLIENT_COST_RESTORE_PER_SECOND: '150' };
const budgetReport = (remaining: number, requested = PAGE_COST) => ({ cost: { requested, remaining, limit: 300, restoreRate: 150 } });

let app: TestApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const limitRefusals = async () => sample(await scrape(app!.url), 'graphql_limit_rejections_total', '{limit="budget"}') ?? 0;

/** Spends three pages of the 300 points: 45 are left. */
async function spendThreePages(send: (query: string) => Promise<GraphQLResponse>): Promise<void> {
  for (const remaining of [215, 130, 45]) {
    const response = await send(PAGE);
    expect([response.status, response.body.extensions]).toEqual([200, budgetReport(remaining)]);
  }
}

function expectOverBudget(response: GraphQLResponse, remaining: number, requested: number): number {
  expect(response.status).toBe(429);
  expect(errorCodes(response)).toEqual(['RATE_LIMITED']);
  expect(response.body.data).toBeUndefined();
  expect(response.body.extensions).toEqual(budgetReport(remaining, requested));
  const retryAfter = Number(response.headers.get('retry-after'));
  // Whole seconds, never more than the window: the whole budget is back when it ends.
  expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 2).toBe(true);
  return retryAfter;
}

describe('the cost of an operation', () => {
  it('is reported in extensions.cost of its response, and in its log line', async () => {
    const lines: string[] = [];
    app = await startTestApp({}, { logLines: lines });
    const response = await graphql(app.url, PAGE);
    expect(response.status).toBe(200);
    // Without a budget, the cost alone.
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

describe('a budget per token subject', () => {
  const secret = newSecret();
  const tokenFor = async (sub: string) => bearer(await signToken(secretKey(secret), { claims: { sub } }));
  const jwt = { AUTH_MODE: 'jwt', AUTH_JWT_SECRET: secret, AUTH_JWT_ISSUER: ISSUER, AUTH_JWT_AUDIENCE: AUDIENCE };

  it('refuses, before it runs, an operation that would overdraw it, with 429 and a Retry-After after which it runs', async () => {
    const lines: string[] = [];
    app = await startTestApp({ ...jwt, ...BUDGET }, { logLines: lines });
    const [alice, bob] = [await tokenFor('alice'), await tokenFor('bob')];
    const asAlice = (query: string) => graphql(app!.url, query, undefined, alice);
    const refusalsBefore = await limitRefusals();

    await spendThreePages(asAlice);
    const refused = await asAlice(SIXTEEN_CREATIONS);
    const refusedAt = Date.now();
    const retryAfter = expectOverBudget(refused, 45, 48);
    expect(await app.db.query('select id from interview_session')).toEqual([]);
    expect(await limitRefusals()).toBe(refusalsBefore + 1);
    expect(requestLines(lines).at(-1)).toMatchObject({ sub: 'alice', outcome: 'rate_limited', status: 429, cost: 48, limit: 'budget' });

    // The refusal cost nothing: what is left still pays for an operation that fits in it.
    expect((await asAlice('{ __typename }')).body.extensions).toEqual(budgetReport(44, 1));
    // Another client has a budget of its own.
    const other = await graphql(app.url, PAGE, undefined, bob);
    expect([other.status, other.body.extensions]).toEqual([200, budgetReport(215)]);

    // A client that waits as long as it is told is served, with its whole budget back. (The
    // wait is what is under test: the time the server promised.)
    await new Promise((resolve) => setTimeout(resolve, refusedAt + retryAfter * 1000 - Date.now()));
    const retried = await asAlice(SIXTEEN_CREATIONS);
    expect([retried.status, retried.body.extensions]).toEqual([200, budgetReport(300 - 48, 48)]);
  });
});

describe('a request that runs nothing', () => {
  const secret = newSecret();
  const tokenOf = async (claims: Record<string, unknown>) => bearer(await signToken(secretKey(secret), { claims }));
  const jwt = { AUTH_MODE: 'jwt', AUTH_JWT_SECRET: secret, AUTH_JWT_ISSUER: ISSUER, AUTH_JWT_AUDIENCE: AUDIENCE };

  it('spends nothing: refused for its scope, or answered with the response its Idempotency-Key holds', async () => {
    app = await startTestApp({ ...jwt, ...BUDGET });
    const [full, writeOnly] = [await tokenOf({ sub: 'carol' }), await tokenOf({ sub: 'carol', scope: 'sessions:write' })];
    const CREATE = 'mutation { createInterviewSession(input: { title: "t", candidateName: "c" }) { id title } }';

    const refused = await graphql(app.url, CREATE, undefined, writeOnly);
    expect(refused.status).toBe(403);
    expect((await graphql(app.url, '{ __typename }', undefined, full)).body.extensions).toEqual(budgetReport(299, 1));

    const key = `key-${randomUUID()}`;
    const first = await keyedRequest(app.url, CREATE, undefined, key, full);
    expect(first.body.extensions).toEqual(budgetReport(295, 4));
    expect((await keyedRequest(app.url, CREATE, undefined, key, full)).replayed).toBe(true);
    expect((await graphql(app.url, '{ __typename }', undefined, full)).body.extensions).toEqual(budgetReport(294, 1));
  });
});

describe('a budget per client address, with AUTH_MODE=none', () => {
  const fromAddress = (address: string) => (query: string) => graphql(app!.url, query, undefined, { 'x-forwarded-for': address });

  it.each([
    ['the address a trusted proxy forwards for', '203.0.113.7', '203.0.113.7', '203.0.113.8'],
    [
      'the /64 of an IPv6 address, however the address is written',
      '2001:db8:1:2::a',
      '2001:0db8:0001:0002:ffff:0000:0000:000b',
      '2001:db8:1:3::a',
    ],
  ])('is that of %s', async (_what, spender, sameClient, otherClient) => {
    app = await startTestApp({ AUTH_MODE: 'none', HTTP_TRUST_PROXY: 'loopback', ...BUDGET });
    await spendThreePages(fromAddress(spender));
    expectOverBudget(await fromAddress(sameClient)(PAGE), 45, PAGE_COST);
    const other = await fromAddress(otherClient)(PAGE);
    expect([other.status, other.body.extensions]).toEqual([200, budgetReport(215)]);
  });

  it("is the peer's when no proxy is trusted: a forged X-Forwarded-For does not get a budget of its own", async () => {
    app = await startTestApp({ AUTH_MODE: 'none', ...BUDGET });
    await spendThreePages(fromAddress('203.0.113.7'));
    expectOverBudget(await fromAddress('203.0.113.8')(PAGE), 45, PAGE_COST);
  });
});
