import { expectOk } from './support/expectations';
import { errorCodes, graphql } from './support/graphql-client';
import { statementsDuring, type Statement } from './support/statements';
import { sharedTestApp } from './support/shared-test-app';

const testApp = sharedTestApp();

const LIST = `query ($orderBy: InterviewSessionOrder, $filter: InterviewSessionFilter, $first: Int, $after: String) {
  interviewSessions(orderBy: $orderBy, filter: $filter, first: $first, after: $after) {
    edges { cursor node { id createdAt status } }
    nodes { id }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

const list = async (variables: Record<string, unknown>) => {
  const response = await graphql(testApp().url, LIST, variables);
  expect(response.body.errors).toBeUndefined();
  return response.body.data.interviewSessions;
};

/** Inserts `count` sessions straight into the table, all created at the same instant. */
async function insertSessions(count: number, createdAt: string, status = 'scheduled'): Promise<void> {
  await testApp().db.query(
    `insert into interview_session (id, title, candidate_name, status, created_at, updated_at)
     select gen_random_uuid(), 'Session ' || n, 'Candidate ' || n, $2, $1, $1 from generate_series(1, $3) n`,
    [createdAt, status, count],
  );
}

/** Every id in the order the API promises: created_at desc, id desc. */
async function idsInListOrder(status?: string): Promise<string[]> {
  const rows = await testApp().db.query<{ id: string }>(
    `select id from interview_session where $1::text is null or status = $1 order by created_at desc, id desc`,
    [status ?? null],
  );
  return rows.map((row) => row.id);
}

/** Follows endCursor until hasNextPage is false; returns the ids in the order they came. */
async function walkAllPages(pageSize: number, filter?: Record<string, unknown>, startAfter?: string, orderBy?: string): Promise<string[]> {
  const seen: string[] = [];
  let after = startAfter;
  for (let page = 0; page < 1_000; page++) {
    const connection = await list({ first: pageSize, after, filter, orderBy });
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
        graphql(testApp().url, `mutation { createInterviewSession(input: { title: "new ${n}", candidateName: "x" }) { id } }`),
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
    const response = await graphql(testApp().url, LIST, { first });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.body.errors?.[0]?.extensions?.argument).toBe('first');
  });

  /** A cursor the API issued, with one of its parts (order|scope tag|key|id) edited. */
  const edited = async (edit: (parts: string[]) => string[]) => {
    await insertSessions(2, '2026-01-01T00:00:00.000Z');
    const cursor: string = (await list({ first: 1 })).pageInfo.endCursor;
    const parts = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
    expect(parts).toHaveLength(4);
    return Buffer.from(edit(parts).join('|')).toString('base64url');
  };

  it.each([
    ['garbage', () => 'not a cursor'],
    ['base64 of something else', () => Buffer.from('hello|world').toString('base64url')],
    [
      'of the format before orders',
      () => Buffer.from('2026-01-01T00:00:00.000Z|0190f6a4-0000-7000-8000-000000000000').toString('base64url'),
    ],
    ['an impossible date', () => edited(([order, tag, , id]) => [order!, tag!, '2026-13-45T00:00:00.000Z', id!])],
    ['a non-UUID id', () => edited(([order, tag, key]) => [order!, tag!, key!, '42'])],
    ['a year PostgreSQL cannot store', () => edited(([order, tag, , id]) => [order!, tag!, '0000-01-01T00:00:00.000Z', id!])],
    ['without the key of an order whose key is never null', () => edited(([order, tag, , id]) => [order!, tag!, '', id!])],
    ['of an order that does not exist', () => edited(([, tag, key, id]) => ['NEWEST', tag!, key!, id!])],
    ['with a part more', () => edited((parts) => [...parts, 'x'])],
  ])('rejects a cursor that is %s with BAD_USER_INPUT', async (_case, cursor) => {
    const response = await graphql(testApp().url, LIST, { first: 5, after: await cursor() });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('interviewSessions(orderBy)', () => {
  /** Each order as the schema's description promises it, written as plain SQL. */
  const ORDER_SQL: Record<string, string> = {
    CREATED_AT_DESC: 'created_at desc, id desc',
    CREATED_AT_ASC: 'created_at asc, id asc',
    SCHEDULED_AT_ASC: 'scheduled_at asc nulls last, id asc',
    SCHEDULED_AT_DESC: 'scheduled_at desc nulls last, id desc',
    UPDATED_AT_DESC: 'updated_at desc, id desc',
  };
  const FILTERS = [
    { sql: 'true', filter: undefined },
    { sql: "status = 'completed'", filter: { status: 'COMPLETED' } },
    {
      sql: "status = 'scheduled' and created_at > '2026-01-01T00:00:00Z'",
      filter: { status: 'SCHEDULED', createdAfter: '2026-01-01T00:00:00.000Z' },
    },
  ];

  /**
   * 41 sessions where every key ties with others: 3 creation times, 3 scheduled days and no
   * scheduledAt for every fifth, 2 update times; statuses in turn, uncorrelated with the keys.
   */
  beforeEach(async () => {
    await testApp().db.query(
      `insert into interview_session (id, title, candidate_name, status, scheduled_at, created_at, updated_at)
       select gen_random_uuid(), 'Session ' || n, 'Candidate',
              (array['scheduled', 'in_progress', 'completed', 'cancelled'])[1 + n % 4],
              case when n % 5 = 0 then null else timestamptz '2026-05-01T09:00:00Z' + (n % 3) * interval '1 day' end,
              timestamptz '2026-01-01T00:00:00Z' + (n % 3) * interval '1 hour',
              timestamptz '2026-02-01T00:00:00Z' + (n % 2) * interval '1 minute'
       from generate_series(1, 41) n`,
    );
  });

  const expectedIds = async (orderBy: string, where: string) =>
    (await testApp().db.query<{ id: string }>(`select id from interview_session where ${where} order by ${ORDER_SQL[orderBy]}`)).map(
      (row) => row.id,
    );

  it.each(Object.keys(ORDER_SQL))('pages through %s, filtered or not, with no session missing or repeated', async (orderBy) => {
    for (const { sql, filter } of FILTERS) {
      const expected = await expectedIds(orderBy, sql);
      expect(expected.length).toBeGreaterThan(4);
      for (const pageSize of [4, 7])
        expect([orderBy, filter, pageSize, await walkAllPages(pageSize, filter, undefined, orderBy)]).toEqual([
          orderBy,
          filter,
          pageSize,
          expected,
        ]);
    }
  });

  it('puts the sessions without scheduledAt last in both directions', async () => {
    for (const orderBy of ['SCHEDULED_AT_ASC', 'SCHEDULED_AT_DESC']) {
      const response = await graphql(testApp().url, `{ interviewSessions(orderBy: ${orderBy}, first: 100) { nodes { scheduledAt } } }`);
      const scheduled = response.body.data.interviewSessions.nodes.map((node: { scheduledAt: string | null }) => node.scheduledAt);
      expect(scheduled.slice(-8)).toEqual(Array(8).fill(null));
      expect(scheduled.slice(0, -8)).not.toContain(null);
    }
  });

  it('orders newest first when orderBy is omitted or null, and counts the filter whatever the order', async () => {
    const newestFirst = await expectedIds('CREATED_AT_DESC', 'true');
    expect(await walkAllPages(10)).toEqual(newestFirst);
    expect((await list({ first: 5, orderBy: null })).nodes.map((node: { id: string }) => node.id)).toEqual(newestFirst.slice(0, 5));
    for (const orderBy of Object.keys(ORDER_SQL)) {
      const response = await graphql(
        testApp().url,
        `{ interviewSessions(orderBy: ${orderBy}, filter: { status: COMPLETED }) { totalCount } }`,
      );
      expect([orderBy, response.body.data.interviewSessions.totalCount]).toEqual([orderBy, 10]);
    }
  });

  it('refuses a cursor under another order or another filter with BAD_USER_INPUT, and takes it under the same filter however written', async () => {
    const page = await list({ first: 3, orderBy: 'SCHEDULED_AT_ASC', filter: { createdAfter: '2026-01-01T00:00:00.000Z' } });
    const after = page.pageInfo.endCursor;
    for (const [orderBy, filter] of [
      ['SCHEDULED_AT_DESC', { createdAfter: '2026-01-01T00:00:00.000Z' }],
      ['CREATED_AT_DESC', { createdAfter: '2026-01-01T00:00:00.000Z' }],
      ['SCHEDULED_AT_ASC', undefined],
      ['SCHEDULED_AT_ASC', { createdAfter: '2026-01-01T00:00:00.001Z' }],
      ['SCHEDULED_AT_ASC', { createdAfter: '2026-01-01T00:00:00.000Z', status: 'SCHEDULED' }],
    ] as const) {
      const response = await graphql(testApp().url, LIST, { first: 3, after, orderBy, filter });
      expect([orderBy, filter, errorCodes(response)]).toEqual([orderBy, filter, ['BAD_USER_INPUT']]);
      expect(response.body.errors?.[0]?.extensions?.argument).toBe('after');
    }
    // The same instant, written with an offset: the same filter.
    const same = await graphql(testApp().url, LIST, {
      first: 3,
      after,
      orderBy: 'SCHEDULED_AT_ASC',
      filter: { createdAfter: '2026-01-01T01:00:00+01:00' },
    });
    expect(same.body.errors).toBeUndefined();
    expect(same.body.data.interviewSessions.pageInfo.hasPreviousPage).toBe(true);
  });

  it('continues after the position of a cursor whose session was deleted since', async () => {
    const expected = await expectedIds('SCHEDULED_AT_DESC', 'true');
    const page = await list({ first: 5, orderBy: 'SCHEDULED_AT_DESC' });
    await testApp().db.query('delete from interview_session where id = $1', [expected[4]]);
    expect(await walkAllPages(5, undefined, page.pageInfo.endCursor, 'SCHEDULED_AT_DESC')).toEqual(expected.slice(5));
  });
});

describe('totalCount', () => {
  it('counts every match across pages, and runs a count only when asked for', async () => {
    await insertSessions(12, '2026-01-01T00:00:00.000Z', 'cancelled');
    await insertSessions(3, '2026-01-01T00:00:00.000Z', 'completed');
    const counts = (statements: Statement[]) => statements.filter(({ sql }) => /count\(/i.test(sql));
    const withCount = await statementsDuring(testApp(), () =>
      graphql(testApp().url, '{ interviewSessions(first: 2, filter: { status: CANCELLED }) { totalCount nodes { id } } }'),
    );
    expect(withCount.result.body.data.interviewSessions.totalCount).toBe(12);
    expect(counts(withCount.statements)).toHaveLength(1);

    const { statements: forAPage } = await statementsDuring(testApp(), () => list({ first: 2 }));
    expect(forAPage.length).toBeGreaterThan(0);
    expect(counts(forAPage)).toHaveLength(0);
  });
});
