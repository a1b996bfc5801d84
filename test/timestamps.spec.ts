import { graphql } from './support/graphql-client';
import { sharedTestApp } from './support/shared-test-app';
import { migrateDatabase, startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * Reads take their timestamps as text PostgreSQL writes (connections/entity-rows.ts), mutations
 * answer with the entity's Dates: a client must see one instant written one way, whichever
 * path answered, at the edges of what the columns hold too.
 */

const EDGES = [
  '0001-01-01T00:00:00.000Z',
  '0099-12-31T23:59:59.999Z',
  '1969-12-31T23:59:59.999Z',
  '2000-02-29T12:00:00.001Z',
  '2026-12-04T21:00:00.500Z',
  '9999-12-31T23:59:59.999Z',
];

const testApp = sharedTestApp();

const request = (query: string, variables?: Record<string, unknown>) => graphql(testApp().url, query, variables);

describe('a timestamp', () => {
  it.each(EDGES)('%s reads back the same from the mutation that wrote it, a lookup, a list and a cursor', async (instant) => {
    const created = await request(
      `mutation ($input: CreateInterviewSessionInput!) { createInterviewSession(input: $input) { id scheduledAt } }`,
      { input: { title: 'Edges', candidateName: 'Ada', scheduledAt: instant } },
    );
    expect(created.body.errors).toBeUndefined();
    const { id, scheduledAt } = created.body.data.createInterviewSession;
    expect(scheduledAt).toBe(instant);

    const lookup = await request('query ($id: ID!) { interviewSession(id: $id) { scheduledAt } }', { id });
    expect(lookup.body.data.interviewSession.scheduledAt).toBe(instant);

    const list = await request('{ interviewSessions(orderBy: SCHEDULED_AT_ASC, first: 1) { edges { cursor node { id scheduledAt } } } }');
    const [edge] = list.body.data.interviewSessions.edges;
    expect(edge.node).toEqual({ id, scheduledAt: instant });
    // The cursor carries the instant exactly: the page after it is empty, not this row again.
    const after = await request(
      'query ($after: String!) { interviewSessions(orderBy: SCHEDULED_AT_ASC, after: $after) { nodes { id } } }',
      {
        after: edge.cursor,
      },
    );
    expect(after.body.data.interviewSessions.nodes).toEqual([]);
  });
});

describe('when the database runs in another time zone', () => {
  let db: TestDatabase | undefined;
  let zoned: TestApp | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    await migrateDatabase(db);
    // Chatham: +13:45 in December, an offset in minutes. The server's connections inherit it.
    await db.query(`alter database ${db.name} set timezone to 'Pacific/Chatham'`);
    zoned = await startTestApp({}, { db });
  });
  afterAll(async () => {
    await zoned?.stop();
    await db?.drop();
  });

  it('still answers every instant in UTC, as it was written', async () => {
    const created = await graphql(
      zoned!.url,
      `
        mutation ($input: CreateInterviewSessionInput!) {
          createInterviewSession(input: $input) {
            id
            scheduledAt
          }
        }
      `,
      { input: { title: 'Zones', candidateName: 'Ada', scheduledAt: '2026-12-31T23:30:00.250Z' } },
    );
    const { id } = created.body.data.createInterviewSession;
    const lookup = await graphql(zoned!.url, 'query ($id: ID!) { interviewSession(id: $id) { scheduledAt } }', { id });
    const list = await graphql(zoned!.url, '{ interviewSessions(first: 1) { nodes { scheduledAt } } }');
    expect(created.body.data.createInterviewSession.scheduledAt).toBe('2026-12-31T23:30:00.250Z');
    expect(lookup.body.data.interviewSession.scheduledAt).toBe('2026-12-31T23:30:00.250Z');
    expect(list.body.data.interviewSessions.nodes[0].scheduledAt).toBe('2026-12-31T23:30:00.250Z');
  });
});
