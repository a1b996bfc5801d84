import { expectOk } from './support/expectations';
import { errorCodes, graphql } from './support/graphql-client';
import { ifSetUp } from './support/if-set-up';
import { startTestApp, type TestApp } from './support/test-app';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await ifSetUp(app)?.stop();
});
beforeEach(async () => {
  await app.db.query('truncate interview_session');
});

const LIST = `query ($filter: InterviewSessionFilter, $first: Int, $after: String) {
  interviewSessions(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id createdAt status } }
    nodes { id }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

const list = async (variables: Record<string, unknown>) => {
  const response = await graphql(app.url, LIST, variables);
  expect(response.body.errors).toBeUndefined();
  return response.body.data.interviewSessions;
};

/** Inserts `count` sessions straight into the table, all created at the same instant. */
async function insertSessions(count: number, createdAt: string, status = 'scheduled'): Promise<void> {
  await app.db.query(
    `insert into interview_session (id, title, candidate_name, status, created_at, updated_at)
     select gen_random_uuid(), 'Session ' || n, 'Candidate ' || n, $2, $1, $1 from generate_series(1, $3) n`,
    [createdAt, status, count],
  );
}

/** Every id in the order the API promises: created_at desc, id desc. */
async function idsInListOrder(status?: string): Promise<string[]> {
  const rows = await app.db.query<{ id: string }>(
    `select id from interview_session where $1::text is null or status = $1 order by created_at desc, id desc`,
    [status ?? null],
  );
  return rows.map((row) => row.id);
}

/** Follows endCursor until hasNextPage is false; returns the ids in the order they came. */
async function walkAllPages(pageSize: number, filter?: Record<string, unknown>, startAfter?: string): Promise<string[]> {
  const seen: string[] = [];
  let after = startAfter;
  for (let page = 0; page < 1_000; page++) {
    const connection = await list({ first: pageSize, after, filter });
    seen.push(...connection.nodes.map((node: { id: string }) => node.id));
    if (!connection.pageInfo.hasNextPage) return seen;
    after = connection.pageInfo.endCursor;
  }
  throw new Error('pagination did not end');
}

describe('interviewSessions pagination', () => {
  it('lists newest first, edges and nodes alike, with Relay page info', async () => {
    await insertSessions(3, '2026-01-01T00:00:00.000Z');
    await insertSessions(2, '2026-02-01T00:00:00.000Z');

    const connection = await list({ first: 4 });

    const expected = (await idsInListOrder()).slice(0, 4);
    expect(connection.nodes.map((node: { id: string }) => node.id)).toEqual(expected);
    expect(connection.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual(expected);
    expect(connection.pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: connection.edges[0].cursor,
      endCursor: connection.edges[3].cursor,
    });
  });

  it('neither skips nor repeats rows that share a created_at', async () => {
    await insertSessions(23, '2026-03-01T12:00:00.000Z');
    await insertSessions(5, '2026-03-02T12:00:00.000Z');
    await insertSessions(9, '2026-02-28T12:00:00.000Z');

    expect(await walkAllPages(4)).toEqual(await idsInListOrder());
  });

  it('continues where it left off while new sessions are created between pages', async () => {
    await insertSessions(10, '2026-01-01T00:00:00.000Z');
    const expected = await idsInListOrder();
    const first = await list({ first: 4 });

    // Newer rows arrive between the two page requests.
    const created = await Promise.all(
      Array.from({ length: 5 }, (_, n) =>
        graphql(app.url, `mutation { createInterviewSession(input: { title: "new ${n}", candidateName: "x" }) { id } }`),
      ),
    );
    created.forEach(expectOk);
    const rest = await walkAllPages(4, undefined, first.pageInfo.endCursor);

    expect([...first.nodes.map((node: { id: string }) => node.id), ...rest]).toEqual(expected);
  });

  it('filters by status and creation time, and pages within the filter', async () => {
    await insertSessions(7, '2026-01-01T00:00:00.000Z', 'in_progress');
    await insertSessions(4, '2026-01-05T00:00:00.000Z', 'completed');
    await insertSessions(6, '2026-01-10T00:00:00.000Z', 'in_progress');

    expect(await walkAllPages(5, { status: 'IN_PROGRESS' })).toEqual(await idsInListOrder('in_progress'));

    const window = await list({
      first: 100,
      filter: { createdAfter: '2026-01-01T00:00:00.000Z', createdBefore: '2026-01-10T00:00:00.000Z' },
    });
    expect(window.nodes).toHaveLength(4);
    expect(window.edges.every((edge: { node: { status: string } }) => edge.node.status === 'COMPLETED')).toBe(true);
  });

  it('returns an empty page with null cursors when nothing matches', async () => {
    const connection = await list({ first: 5 });
    expect(connection).toEqual({
      edges: [],
      nodes: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
  });

  it('uses 20 rows when first is omitted or null', async () => {
    await insertSessions(25, '2026-01-01T00:00:00.000Z');
    expect((await list({})).nodes).toHaveLength(20);
    expect((await list({ first: null })).nodes).toHaveLength(20);
  });

  it.each([0, -1, 101, 100_000])('rejects first: %i with BAD_USER_INPUT', async (first) => {
    const response = await graphql(app.url, LIST, { first });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.body.errors?.[0]?.extensions?.argument).toBe('first');
  });

  it.each([
    ['garbage', 'not a cursor'],
    ['base64 of something else', Buffer.from('hello|world').toString('base64url')],
    ['an impossible date', Buffer.from('2026-13-45T00:00:00.000Z|0190f6a4-0000-7000-8000-000000000000').toString('base64url')],
    ['a non-UUID id', Buffer.from('2026-01-01T00:00:00.000Z|42').toString('base64url')],
    ['a year PostgreSQL cannot store', Buffer.from('0000-01-01T00:00:00.000Z|0190f6a4-0000-7000-8000-000000000000').toString('base64url')],
  ])('rejects a cursor that is %s with BAD_USER_INPUT', async (_case, after) => {
    const response = await graphql(app.url, LIST, { first: 5, after });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('totalCount', () => {
  it('counts every match across pages, and runs a count only when asked for', async () => {
    await insertSessions(12, '2026-01-01T00:00:00.000Z', 'cancelled');
    await insertSessions(3, '2026-01-01T00:00:00.000Z', 'completed');
    const statements: string[] = [];
    const knex = app.database.orm.em.getConnection().getKnex();
    const record = (query: { sql: string }) => statements.push(query.sql);
    knex.on('query', record);
    try {
      const withCount = await graphql(
        app.url,
        `
          {
            interviewSessions(first: 2, filter: { status: CANCELLED }) {
              totalCount
              nodes {
                id
              }
            }
          }
        `,
      );
      expect(withCount.body.data.interviewSessions.totalCount).toBe(12);
      expect(statements.filter((sql) => /count\(/i.test(sql))).toHaveLength(1);

      statements.length = 0;
      await list({ first: 2 });
      expect(statements.length).toBeGreaterThan(0);
      expect(statements.filter((sql) => /count\(/i.test(sql))).toHaveLength(0);
    } finally {
      knex.off('query', record);
    }
  });
});
