import { errorCodes, graphql } from './support/graphql-client';
import { ifSetUp } from './support/if-set-up';
import { statementsDuring } from './support/statements';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * No N+1: a page of sessions with their related data costs the same number of SQL statements
 * whatever the size of the page. Every statement the server sends is counted, its plain reads
 * included (they announce themselves as knex's own queries do).
 */
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  // 60 completed sessions, each with 4 feedback rated 1 to 4, or 2 to 5 for every other session: averages 2.5 and 3.5.
  await app.db.query(
    `insert into interview_session (id, title, candidate_name, status, created_at, updated_at)
     select gen_random_uuid(), 'Session ' || n, 'Candidate', 'completed', timestamptz '2026-01-01T00:00:00Z' + n * interval '1 minute', now()
     from generate_series(1, 60) n`,
  );
  await app.db.query(
    `insert into interview_feedback (id, session_id, interviewer_name, rating, created_at)
     select gen_random_uuid(), s.id, 'Interviewer ' || r, least(r + (s.n % 2), 5), timestamptz '2026-02-01T00:00:00Z' + r * interval '1 minute'
     from (select id, row_number() over (order by id) as n from interview_session) s, generate_series(1, 4) r`,
  );
});
afterAll(async () => {
  await ifSetUp(app)?.stop();
});

async function run(document: string) {
  const { result, statements } = await statementsDuring(app, () => graphql(app.url, document));
  expect(result.body.errors).toBeUndefined();
  return { data: result.body.data, statements: statements.map(({ sql }) => sql) };
}

/** The document for a page of 5 sessions, then for a page of 50: what each answered, and each one's statements. */
async function atFiveAndFifty(document: (first: number) => string) {
  return { five: await run(document(5)), fifty: await run(document(50)) };
}

const SESSIONS_WITH_FEEDBACK = (first: number) =>
  `{ interviewSessions(first: ${first}) { nodes { id feedback(first: 3) { totalCount nodes { rating } } averageRating } } }`;

describe('a page of sessions with their feedback', () => {
  it('costs 3 statements for 5 sessions and for 50: the sessions, all their feedback pages, all their counts and averages', async () => {
    const { five, fifty } = await atFiveAndFifty(SESSIONS_WITH_FEEDBACK);
    expect([five.statements.length, fifty.statements.length]).toEqual([3, 3]);
    expect(fifty.statements.filter((sql) => sql.includes('from interview_session '))).toHaveLength(1);
    expect(fifty.statements.filter((sql) => sql.includes('cross join lateral'))).toHaveLength(1);
    expect(fifty.statements.filter((sql) => /count\(\*\).*avg\(/.test(sql))).toHaveLength(1);

    const sessions = fifty.data.interviewSessions.nodes;
    expect(sessions).toHaveLength(50);
    for (const session of sessions) {
      expect(session.feedback.totalCount).toBe(4);
      expect(session.feedback.nodes).toHaveLength(3);
      // Newest first: the feedback created last is rated highest.
      const ratings = session.feedback.nodes.map((node: { rating: number }) => node.rating);
      expect([...ratings].sort().reverse()).toEqual(ratings);
      expect([2.5, 3.5]).toContain(session.averageRating);
    }
  });

  it('costs 3 statements for 5 sessions and for 50 when each feedback asks for its session: one reads all those sessions', async () => {
    const { five, fifty } = await atFiveAndFifty(
      (first) => `{ interviewSessions(first: ${first}) { nodes { id title feedback(first: 2) { nodes { session { id title } } } } } }`,
    );
    expect([five.statements.length, fifty.statements.length]).toEqual([3, 3]);
    for (const { id, title, feedback } of fifty.data.interviewSessions.nodes) {
      expect(feedback.nodes).toEqual([{ session: { id, title } }, { session: { id, title } }]);
    }
  });

  it('costs one batch per differently asked page: two aliases of feedback are two statements, not two per session', async () => {
    const { five, fifty } = await atFiveAndFifty(
      (first) =>
        `{ interviewSessions(first: ${first}) { nodes { newest: feedback(first: 1) { nodes { id } } all: feedback(first: 10) { nodes { id } } } } }`,
    );
    expect([five.statements.length, fifty.statements.length]).toEqual([3, 3]);
    for (const session of fifty.data.interviewSessions.nodes) {
      expect([session.newest.nodes.length, session.all.nodes.length]).toEqual([1, 4]);
      expect(session.all.nodes[0]).toEqual(session.newest.nodes[0]);
    }
  });

  it('is refused before any statement runs at 100 sessions × 100 feedback: HTTP 400, QUERY_TOO_COMPLEX', async () => {
    const { result, statements } = await statementsDuring(app, () =>
      graphql(app.url, '{ interviewSessions(first: 100) { nodes { feedback(first: 100) { nodes { rating } } } } }'),
    );
    expect(result.status).toBe(400);
    expect(errorCodes(result)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(statements).toEqual([]);
  });
});
