import { Client } from 'pg';
import { errorCodes, graphql, type GraphQLResponse } from './support/graphql-client';
import { ifSetUp } from './support/if-set-up';
import { sample, scrape } from './support/metrics';
import { serverQueriesWaitingOnLocks } from './support/table-lock';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

/**
 * Concurrent edits never overwrite each other silently (docs/retrying.md): every session has a
 * version, 1 when created and one more on every change; a change sent with `expectedVersion` applies
 * only to that version, checked by the write's own SQL.
 */

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(() => ifSetUp(app)?.stop());

const CREATE = 'mutation { createInterviewSession(input: { title: "Versioned", candidateName: "Ada" }) { id version } }';
const UPDATE = `mutation ($id: ID!, $title: String, $expected: Int) {
  updateInterviewSession(id: $id, input: { title: $title }, expectedVersion: $expected) { title version } }`;
const transition = (action: 'start' | 'complete' | 'cancel') =>
  `mutation ($id: ID!, $expected: Int) { ${action}InterviewSession(id: $id, expectedVersion: $expected) { status version } }`;
const DELETE = 'mutation ($id: ID!, $expected: Int) { deleteInterviewSession(id: $id, expectedVersion: $expected) }';
const READ = 'query ($id: ID!) { interviewSession(id: $id) { title status version updatedAt } }';

async function createSession(): Promise<string> {
  return (await graphql(app.url, CREATE)).body.data.createInterviewSession.id;
}
const stored = async (id: string) => (await graphql(app.url, READ, { id })).body.data.interviewSession;

function expectConflict(response: GraphQLResponse, currentVersion: number | null): void {
  expect(errorCodes(response)).toEqual(['VERSION_CONFLICT']);
  expect(response.body.errors?.[0]?.extensions).toEqual({ code: 'VERSION_CONFLICT', currentVersion });
}

describe('the version of a session', () => {
  it('is 1 when created, one more on every change, and read back by queries', async () => {
    const id = await createSession();
    expect((await stored(id)).version).toBe(1);
    expect((await graphql(app.url, UPDATE, { id, title: 'Renamed' })).body.data.updateInterviewSession.version).toBe(2);
    expect((await graphql(app.url, transition('start'), { id })).body.data.startInterviewSession.version).toBe(3);
    expect((await graphql(app.url, transition('complete'), { id })).body.data.completeInterviewSession.version).toBe(4);
    const listed = await graphql(app.url, '{ interviewSessions(first: 1) { nodes { id version } } }');
    expect(listed.body.data.interviewSessions.nodes).toEqual([{ id, version: 4 }]);
  });
});

describe('a change sent with expectedVersion', () => {
  it('applies when the session is at that version', async () => {
    const id = await createSession();
    const response = await graphql(app.url, UPDATE, { id, title: 'Mine', expected: 1 });
    expect(response.body.data.updateInterviewSession).toEqual({ title: 'Mine', version: 2 });
  });

  it('changes nothing when the session is at another version: VERSION_CONFLICT with the current one', async () => {
    const id = await createSession();
    await graphql(app.url, UPDATE, { id, title: 'Theirs' });
    const before = await stored(id);
    expectConflict(await graphql(app.url, UPDATE, { id, title: 'Mine', expected: 1 }), 2);
    expectConflict(await graphql(app.url, transition('start'), { id, expected: 1 }), 2);
    expect(await stored(id)).toEqual(before);
  });

  it('of two made concurrently from the same version, exactly one wins, decided by the UPDATE itself', async () => {
    const id = await createSession();
    // A share lock lets both read the row, and holds both UPDATEs until it goes: neither could see the other's write.
    const holder = new Client({ connectionString: app.db.url, application_name: 'test-share-lock' });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('select 1 from interview_session where id = $1 for share', [id]);
      const both = Promise.all(['First', 'Second'].map((title) => graphql(app.url, UPDATE, { id, title, expected: 1 })));
      await waitFor(async () => (await serverQueriesWaitingOnLocks(app.db)) === 2, 'both UPDATEs waiting on the share lock');
      await holder.query('commit');
      const responses = await both;
      const winners = responses.filter((response) => !response.body.errors);
      expect(winners).toHaveLength(1);
      expectConflict(
        responses.find((response) => response.body.errors)!,
        2,
      );
      expect((await stored(id)).title).toBe(winners[0]!.body.data.updateInterviewSession.title);
    } finally {
      await holder.end();
    }
  });

  it('of five sent at once from the same version, exactly one wins; the others learn the version it made', async () => {
    const id = await createSession();
    const responses = await Promise.all(
      Array.from({ length: 5 }, (_, n) => graphql(app.url, UPDATE, { id, title: `Editor ${n}`, expected: 1 })),
    );
    expect(responses.filter((response) => !response.body.errors)).toHaveLength(1);
    for (const loser of responses.filter((response) => response.body.errors)) expectConflict(loser, 2);
    expect((await stored(id)).version).toBe(2);
  });

  it('for a session that no longer exists: VERSION_CONFLICT with currentVersion null', async () => {
    const id = await createSession();
    await graphql(app.url, DELETE, { id });
    expectConflict(await graphql(app.url, UPDATE, { id, title: 'Late', expected: 1 }), null);
    expectConflict(await graphql(app.url, transition('cancel'), { id, expected: 1 }), null);
  });

  it('is counted', async () => {
    const before = sample(await scrape(app.url), 'graphql_errors_total', '{code="VERSION_CONFLICT"}') ?? 0;
    const id = await createSession();
    await graphql(app.url, UPDATE, { id, title: 'Stale', expected: 7 });
    expect(sample(await scrape(app.url), 'graphql_errors_total', '{code="VERSION_CONFLICT"}')).toBe(before + 1);
  });
});

describe('a delete sent with expectedVersion', () => {
  it('deletes at that version, refuses a stale one (the session stays), and says when there is nothing left', async () => {
    const id = await createSession();
    await graphql(app.url, UPDATE, { id, title: 'Changed' });
    expectConflict(await graphql(app.url, DELETE, { id, expected: 1 }), 2);
    expect(await stored(id)).not.toBeNull();
    expect((await graphql(app.url, DELETE, { id, expected: 2 })).body.data).toEqual({ deleteInterviewSession: true });
    expectConflict(await graphql(app.url, DELETE, { id, expected: 2 }), null);
    expect((await graphql(app.url, DELETE, { id })).body.data).toEqual({ deleteInterviewSession: false });
  });
});

describe('changes sent without expectedVersion', () => {
  it('apply as before, one after the other, the last one winning; the version still moves', async () => {
    const id = await createSession();
    const responses = await Promise.all(Array.from({ length: 5 }, (_, n) => graphql(app.url, UPDATE, { id, title: `Editor ${n}` })));
    expect(responses.every((response) => !response.body.errors)).toBe(true);
    const versions = responses.map((response) => response.body.data.updateInterviewSession.version).sort();
    expect(versions).toEqual([2, 3, 4, 5, 6]);
    expect((await stored(id)).version).toBe(6);
  });
});
