import { randomUUID } from 'node:crypto';
import { ifSetUp } from './support/if-set-up';
import { keyedRequest, type KeyedResponse } from './support/keyed-request';
import { sample, scrape } from './support/metrics';
import { sendRaw } from './support/raw-http';
import { lockSessionRow, lockSessionsTable, releaseTableLocks, serverQueriesWaitingOnLocks } from './support/table-lock';
import { startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { migrateDatabase } from './support/test-app';
import { AUDIENCE, bearer, ISSUER, newSecret, secretKey, signToken } from './support/tokens';
import { waitFor } from './support/wait-for';

/**
 * Writes that are safe to retry (docs/retrying.md): a mutation sent again with the same
 * Idempotency-Key is answered with the first answer, byte for byte, and runs once, whatever
 * happened to that first answer on its way back.
 */

const CREATE = 'mutation ($input: CreateInterviewSessionInput!) { createInterviewSession(input: $input) { id title status version } }';
const START = 'mutation ($id: ID!) { startInterviewSession(id: $id) { id status version } }';
const input = (title = 'Retried') => ({ input: { title, candidateName: 'Ada Lovelace' } });
const newKey = () => `key-${randomUUID()}`;

const sessionCount = async (db: TestDatabase) =>
  (await db.query<{ count: number }>('select count(*)::int as count from interview_session'))[0]!.count;

function expectReplayOf(replay: KeyedResponse, first: KeyedResponse): void {
  expect(first.replayed).toBe(false);
  expect(replay.replayed).toBe(true);
  expect(replay.status).toBe(first.status);
  expect(replay.text).toBe(first.text);
}

afterEach(releaseTableLocks);

describe('with one instance', () => {
  let app: TestApp;
  const lines: string[] = [];
  beforeAll(async () => {
    app = await startTestApp({}, { logLines: lines });
  });
  afterAll(() => ifSetUp(app)?.stop());
  beforeEach(async () => {
    await app.db.query('delete from interview_session');
  });

  describe('the same key and the same request again', () => {
    it('answers with the first answer, byte for byte, marked Idempotent-Replayed, and creates one session', async () => {
      const key = newKey();
      const first = await keyedRequest(app.url, CREATE, input(), key);
      const again = await keyedRequest(app.url, CREATE, input(), key);
      expect(first.status).toBe(200);
      expect(first.body.data.createInterviewSession.status).toBe('SCHEDULED');
      expectReplayOf(again, first);
      expect(await sessionCount(app.db)).toBe(1);
    });

    it('takes variables in any key order as the same request', async () => {
      const key = newKey();
      const first = await keyedRequest(app.url, CREATE, { input: { title: 'Order', candidateName: 'Ada' } }, key);
      const again = await keyedRequest(app.url, CREATE, { input: { candidateName: 'Ada', title: 'Order' } }, key);
      expectReplayOf(again, first);
    });

    it('answers a status change sent again with its first answer, not with a transition error', async () => {
      const created = await keyedRequest(app.url, CREATE, input(), newKey());
      const id = created.body.data.createInterviewSession.id;
      const key = newKey();
      const first = await keyedRequest(app.url, START, { id }, key);
      const again = await keyedRequest(app.url, START, { id }, key);
      expect(first.body.data.startInterviewSession).toMatchObject({ status: 'IN_PROGRESS', version: 2 });
      expectReplayOf(again, first);
    });

    it('answers with what the mutation wrote, read back within its own transaction, before and on replay', async () => {
      const created = await keyedRequest(app.url, CREATE, input(), newKey());
      const sessionId = created.body.data.createInterviewSession.id;
      await keyedRequest(app.url, START, { id: sessionId }, newKey());
      const ADD = `mutation ($sessionId: ID!) {
        addInterviewFeedback(sessionId: $sessionId, input: { interviewerName: "Grace", rating: 4 }) {
          id session { averageRating feedback { totalCount nodes { id rating } } }
        }
      }`;
      const key = newKey();
      const first = await keyedRequest(app.url, ADD, { sessionId }, key);
      const again = await keyedRequest(app.url, ADD, { sessionId }, key);
      expect(first.body.errors).toBeUndefined();
      const added = first.body.data.addInterviewFeedback;
      expect(added.session).toEqual({ averageRating: 4, feedback: { totalCount: 1, nodes: [{ id: added.id, rating: 4 }] } });
      expectReplayOf(again, first);
    });

    it('stores an answer with GraphQL errors too: the retry gets the same error', async () => {
      const key = newKey();
      const missing = { id: '01890a5d-ac96-774b-bcce-b302099a8057' };
      const first = await keyedRequest(app.url, START, missing, key);
      const again = await keyedRequest(app.url, START, missing, key);
      expect(first.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expectReplayOf(again, first);
    });

    it('counts replays, and says so in the log line', async () => {
      const before = sample(await scrape(app.url), 'graphql_idempotent_replays_total') ?? 0;
      const key = newKey();
      await keyedRequest(app.url, CREATE, input(), key);
      await keyedRequest(app.url, CREATE, input(), key);
      expect(sample(await scrape(app.url), 'graphql_idempotent_replays_total')).toBe(before + 1);
      const requests = lines.map((line) => JSON.parse(line)).filter((line) => line.msg === 'graphql request');
      expect(requests.at(-1)).toMatchObject({ outcome: 'ok', replayed: true });
      expect(requests.at(-2)).not.toHaveProperty('replayed');
    });
  });

  describe('two keyed documents that change the same sessions in opposite orders', () => {
    it('deadlock: the one PostgreSQL rolls back gets 503 TRANSACTION_CONFLICT, keeps no answer, and runs when sent again', async () => {
      const idOf = async (title: string) =>
        (await keyedRequest(app.url, CREATE, input(title), newKey())).body.data.createInterviewSession.id;
      const [first, second] = [await idOf('First'), await idOf('Second')];
      const BOTH = `mutation ($first: ID!, $second: ID!) {
        a: updateInterviewSession(id: $first, input: { title: "A" }) { id }
        b: updateInterviewSession(id: $second, input: { title: "B" }) { id }
      }`;
      // The other document, played by a session of the test's: it holds the second, then wants the first.
      const other = await lockSessionRow(app.db.url, second);
      const key = newKey();
      const sent = keyedRequest(app.url, BOTH, { first, second }, key);
      await waitFor(
        async () => (await serverQueriesWaitingOnLocks(app.db)) === 1,
        'the keyed request holding the first, waiting for the second',
      );
      // PostgreSQL looks for the cycle in whoever has waited deadlock_timeout (1 s) first: the keyed request.
      const otherUpdate = other.query("update interview_session set title = 'Other' where id = $1", [first]);
      const conflicted = await sent;
      await otherUpdate;
      await other.query('commit');

      expect(conflicted.status).toBe(503);
      expect(conflicted.headers.get('retry-after')).toBe('1');
      expect(conflicted.body.errors?.map((error) => error.extensions?.code)).toEqual(['TRANSACTION_CONFLICT']);
      expect(await app.db.query('select key from idempotency_key where key = $1', [key])).toEqual([]);
      const again = await keyedRequest(app.url, BOTH, { first, second }, key);
      expect(again.status).toBe(200);
      expect(await app.db.query('select title from interview_session order by title')).toEqual([{ title: 'A' }, { title: 'B' }]);
    });
  });

  describe('the same key for a different request', () => {
    it('is refused with 422 IDEMPOTENCY_KEY_REUSED, and nothing runs', async () => {
      const key = newKey();
      await keyedRequest(app.url, CREATE, input('First'), key);
      const reused = await keyedRequest(app.url, CREATE, input('Second'), key);
      expect(reused.status).toBe(422);
      expect(reused.body.errors?.map((error) => error.extensions?.code)).toEqual(['IDEMPOTENCY_KEY_REUSED']);
      expect(await sessionCount(app.db)).toBe(1);
      expect(sample(await scrape(app.url), 'graphql_errors_total', '{code="IDEMPOTENCY_KEY_REUSED"}')).toBeGreaterThanOrEqual(1);
    });
  });

  describe('the same key while its first request is still running', () => {
    it('is refused with 409 IDEMPOTENCY_KEY_IN_USE and Retry-After: 1, however many; the first runs once', async () => {
      const key = newKey();
      const blocker = await lockSessionsTable(app.db.url);
      const first = keyedRequest(app.url, CREATE, input(), key);
      await waitFor(async () => (await serverQueriesWaitingOnLocks(app.db)) === 1, 'the first request waiting on the table lock');
      const others = await Promise.all(Array.from({ length: 5 }, () => keyedRequest(app.url, CREATE, input(), key)));
      for (const other of others) {
        expect(other.status).toBe(409);
        expect(other.headers.get('retry-after')).toBe('1');
        expect(other.body.errors?.map((error) => error.extensions?.code)).toEqual(['IDEMPOTENCY_KEY_IN_USE']);
      }
      await blocker.query('commit');
      expect((await first).status).toBe(200);
      expect((await keyedRequest(app.url, CREATE, input(), key)).replayed).toBe(true);
      expect(await sessionCount(app.db)).toBe(1);
    });
  });

  describe('a response cut on its way back (the client gone after sending)', () => {
    it('still commits once; the retry gets the stored answer and no second session exists', async () => {
      const key = newKey();
      const blocker = await lockSessionsTable(app.db.url);
      const client = new AbortController();
      const cut = keyedRequest(app.url, CREATE, input('Cut'), key, {}, client.signal).catch((error: unknown) => error);
      await waitFor(async () => (await serverQueriesWaitingOnLocks(app.db)) === 1, 'the request reaching the database');
      client.abort();
      expect(await cut).toMatchObject({ name: 'AbortError' });
      await blocker.query('commit');

      // As a client would: retry while the first attempt still holds the key.
      let retry: KeyedResponse | undefined;
      await waitFor(async () => {
        retry = await keyedRequest(app.url, CREATE, input('Cut'), key);
        return retry.status !== 409;
      }, 'the first attempt to finish');
      expect(retry!.status).toBe(200);
      expect(retry!.replayed).toBe(true);
      expect(retry!.body.data.createInterviewSession.title).toBe('Cut');
      expect(await sessionCount(app.db)).toBe(1);
    });
  });

  describe('a request refused before it ran', () => {
    it('keeps no answer: the key still runs the request once it is right', async () => {
      const key = newKey();
      const invalid = await keyedRequest(app.url, 'mutation { createInterviewSession(input: { title: "x" }) { id } }', undefined, key);
      expect(invalid.status).toBe(400);
      const valid = await keyedRequest(app.url, CREATE, input(), key);
      expect(valid.status).toBe(200);
      expect(valid.replayed).toBe(false);
      expect(await sessionCount(app.db)).toBe(1);
    });

    it('refuses variables nested 5,000 deep with 400 BAD_USER_INPUT, and keeps no answer', async () => {
      // Written out: JSON.stringify itself runs out of stack on such a value.
      const variables = JSON.stringify(input()).slice(0, -1) + `,"deep":${'['.repeat(5000)}${']'.repeat(5000)}}`;
      const key = newKey();
      const refused = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body: `{"query":${JSON.stringify(CREATE)},"variables":${variables}}`,
      });
      expect(refused.status).toBe(400);
      const { errors } = (await refused.json()) as { errors: { extensions: { code: string } }[] };
      expect(errors.map((error) => error.extensions.code)).toEqual(['BAD_USER_INPUT']);
      expect(await app.db.query('select key from idempotency_key where key = $1', [key])).toEqual([]);
      expect(await sessionCount(app.db)).toBe(0);
    });

    it('keeps no answer for variables that do not fit the document: the key runs them once they do', async () => {
      const key = newKey();
      const invalid = await keyedRequest(app.url, CREATE, { input: { title: 'No candidate' } }, key);
      expect(invalid.status).toBe(400);
      expect(invalid.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      const valid = await keyedRequest(app.url, CREATE, input(), key);
      expect(valid.status).toBe(200);
      expect(valid.replayed).toBe(false);
      expect(await sessionCount(app.db)).toBe(1);
    });
  });

  describe('a key whose time has passed', () => {
    it('runs its request afresh, and is deleted in the background', async () => {
      const key = newKey();
      await keyedRequest(app.url, CREATE, input(), key);
      await app.db.query(`update idempotency_key set expires_at = now() - interval '1 second' where key = $1`, [key]);
      const afresh = await keyedRequest(app.url, CREATE, input(), key);
      expect(afresh.replayed).toBe(false);
      expect(await sessionCount(app.db)).toBe(2);

      await app.db.query(`update idempotency_key set expires_at = now() - interval '1 second'`);
      expect(await app.expiredKeysCleanup.runOnce()).toBeGreaterThanOrEqual(1);
      expect(await app.db.query('select key from idempotency_key where expires_at <= now()')).toEqual([]);
    });
  });

  describe('a query sent with a key', () => {
    it('runs as any query: reading twice is safe, nothing is stored', async () => {
      const key = newKey();
      const read = await keyedRequest(app.url, '{ interviewSessions { nodes { id } } }', undefined, key);
      expect(read.status).toBe(200);
      expect(await app.db.query('select key from idempotency_key where key = $1', [key])).toEqual([]);
    });
  });

  describe('a key the server cannot use', () => {
    it.each([
      ['empty', 'Idempotency-Key: '],
      ['of 256 characters', `Idempotency-Key: ${'k'.repeat(256)}`],
      ['not ASCII', 'Idempotency-Key: clé'],
      ['sent twice', 'Idempotency-Key: a\r\nIdempotency-Key: b'],
    ])('%s: 400 BAD_REQUEST naming the header, and nothing runs', async (_case, header) => {
      const response = await sendRaw(
        app.url,
        `POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${header}`,
        JSON.stringify({ query: CREATE, variables: input() }),
      );
      expect(response.status).toBe(400);
      const body = JSON.parse(response.body);
      expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
      expect(body.errors[0].message).toContain('Idempotency-Key');
      expect(await sessionCount(app.db)).toBe(0);
    });
  });
});

describe('a transient failure (the statement timed out)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ DB_STATEMENT_TIMEOUT_MS: '300', DB_QUERY_TIMEOUT_MS: '2000' });
  });
  afterAll(() => ifSetUp(app)?.stop());

  it('is not stored, and takes nothing with it: the retry runs, once', async () => {
    const key = newKey();
    const blocker = await lockSessionsTable(app.db.url);
    const timedOut = await keyedRequest(app.url, CREATE, input(), key);
    await blocker.query('commit');
    expect(timedOut.body.errors?.map((error) => error.extensions?.code)).toEqual(['QUERY_TIMED_OUT']);
    expect(await app.db.query('select key from idempotency_key where key = $1', [key])).toEqual([]);

    const retried = await keyedRequest(app.url, CREATE, input(), key);
    expect(retried.status).toBe(200);
    expect(retried.replayed).toBe(false);
    expect(await sessionCount(app.db)).toBe(1);
  });

  it('in a later field takes the earlier fields’ writes with it: both or neither', async () => {
    const target = (await keyedRequest(app.url, CREATE, input('Locked'), newKey())).body.data.createInterviewSession.id;
    const TWO = `mutation ($input: CreateInterviewSessionInput!, $id: ID!) {
      created: createInterviewSession(input: $input) { id }
      updated: updateInterviewSession(id: $id, input: { title: "Changed" }) { id title }
    }`;
    const key = newKey();
    const blocker = await lockSessionRow(app.db.url, target);
    const timedOut = await keyedRequest(app.url, TWO, { ...input('Both or neither'), id: target }, key);
    await blocker.query('commit');
    expect(timedOut.body.errors?.map((error) => error.extensions?.code)).toEqual(['QUERY_TIMED_OUT']);
    // Every root mutation is non-null: the failure nulls the whole answer, the first field's too.
    expect(timedOut.body.data).toBeNull();
    expect(await app.db.query("select id from interview_session where title = 'Both or neither'")).toEqual([]);

    const retried = await keyedRequest(app.url, TWO, { ...input('Both or neither'), id: target }, key);
    expect(retried.body.errors).toBeUndefined();
    expect(retried.body.data.updated.title).toBe('Changed');
  });
});

describe('with IDEMPOTENCY_KEY_REQUIRED=true', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ IDEMPOTENCY_KEY_REQUIRED: 'true' });
  });
  afterAll(() => ifSetUp(app)?.stop());

  it('refuses a mutation without a key with 400 IDEMPOTENCY_KEY_REQUIRED; queries and keyed mutations run', async () => {
    const unkeyed = await keyedRequest(app.url, CREATE, input(), undefined);
    expect(unkeyed.status).toBe(400);
    expect(unkeyed.body.errors?.map((error) => error.extensions?.code)).toEqual(['IDEMPOTENCY_KEY_REQUIRED']);
    expect(await sessionCount(app.db)).toBe(0);
    expect((await keyedRequest(app.url, '{ interviewSessions { nodes { id } } }', undefined, undefined)).status).toBe(200);
    expect((await keyedRequest(app.url, CREATE, input(), newKey())).status).toBe(200);
  });
});

describe('with IDEMPOTENCY_KEY_CLEANUP_INTERVAL_MS=100', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ IDEMPOTENCY_KEY_CLEANUP_INTERVAL_MS: '100' });
  });
  afterAll(() => ifSetUp(app)?.stop());

  it('deletes expired keys in the background, and leaves the others', async () => {
    const [expired, live] = [newKey(), newKey()];
    await keyedRequest(app.url, CREATE, input(), expired);
    await keyedRequest(app.url, CREATE, input(), live);
    await app.db.query(`update idempotency_key set expires_at = now() - interval '1 second' where key = $1`, [expired]);
    await waitFor(
      async () => (await app.db.query('select key from idempotency_key where key = $1', [expired])).length === 0,
      'the expired key to go',
    );
    expect(await app.db.query('select key from idempotency_key')).toEqual([{ key: live }]);
  });
});

describe('two instances on one database', () => {
  let db: TestDatabase;
  let one: TestApp;
  let two: TestApp;
  beforeAll(async () => {
    db = await createTestDatabase();
    await migrateDatabase(db);
    one = await startTestApp({}, { db });
    two = await startTestApp({}, { db });
  });
  afterAll(async () => {
    await ifSetUp(one)?.stop();
    await ifSetUp(two)?.stop();
    await ifSetUp(db)?.drop();
  });

  it('replay on the other instance, and refuse the key there while the first request runs', async () => {
    const key = newKey();
    const blocker = await lockSessionsTable(db.url);
    const first = keyedRequest(one.url, CREATE, input(), key);
    await waitFor(async () => (await serverQueriesWaitingOnLocks(db)) === 1, 'the first request waiting on the table lock');
    expect((await keyedRequest(two.url, CREATE, input(), key)).status).toBe(409);
    await blocker.query('commit');
    const answered = await first;
    expectReplayOf(await keyedRequest(two.url, CREATE, input(), key), answered);
    expect(await sessionCount(db)).toBe(1);
  });
});

describe('with AUTH_MODE=jwt', () => {
  const secret = newSecret();
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ AUTH_MODE: 'jwt', AUTH_JWT_SECRET: secret, AUTH_JWT_ISSUER: ISSUER, AUTH_JWT_AUDIENCE: AUDIENCE });
  });
  afterAll(() => ifSetUp(app)?.stop());
  const tokenOf = (claims: Record<string, unknown>) => signToken(secretKey(secret), { claims });

  it('keeps each principal’s keys apart: the same key from two subjects runs twice, each replaying its own', async () => {
    const key = newKey();
    const [ada, grace] = [bearer(await tokenOf({ sub: 'ada' })), bearer(await tokenOf({ sub: 'grace' }))];
    const adaFirst = await keyedRequest(app.url, CREATE, input('Ada’s'), key, ada);
    const graceFirst = await keyedRequest(app.url, CREATE, input('Grace’s'), key, grace);
    expect(graceFirst.status).toBe(200);
    expect(graceFirst.replayed).toBe(false);
    expectReplayOf(await keyedRequest(app.url, CREATE, input('Ada’s'), key, ada), adaFirst);
    expectReplayOf(await keyedRequest(app.url, CREATE, input('Grace’s'), key, grace), graceFirst);
    expect(await sessionCount(app.db)).toBe(2);
  });

  it('stores nothing for a request refused for its scope: with the right scope, the key runs', async () => {
    const key = newKey();
    const writeOnly = bearer(await tokenOf({ sub: 'writer', scope: 'sessions:write' }));
    const refused = await keyedRequest(app.url, CREATE, input(), key, writeOnly);
    expect(refused.status).toBe(403);
    const both = bearer(await tokenOf({ sub: 'writer' }));
    const ran = await keyedRequest(app.url, CREATE, input(), key, both);
    expect(ran.status).toBe(200);
    expect(ran.replayed).toBe(false);
  });

  it('replays nothing to a request refused for its scope, though its key holds an answer', async () => {
    const key = newKey();
    const stored = await keyedRequest(app.url, CREATE, input(), key, bearer(await tokenOf({ sub: 'writer' })));
    expect(stored.status).toBe(200);
    const writeOnly = bearer(await tokenOf({ sub: 'writer', scope: 'sessions:write' }));
    const refused = await keyedRequest(app.url, CREATE, input(), key, writeOnly);
    expect(refused.status).toBe(403);
    expect(refused.replayed).toBe(false);
    expect(refused.text).not.toContain(stored.body.data.createInterviewSession.id);
  });

  it('keeps apart the keys of tokens without a subject: each token replays only its own', async () => {
    const before = await sessionCount(app.db);
    const key = newKey();
    const [one, other] = [bearer(await tokenOf({ sub: undefined, jti: 'one' })), bearer(await tokenOf({ sub: undefined, jti: 'other' }))];
    const oneFirst = await keyedRequest(app.url, CREATE, input('One’s'), key, one);
    const otherFirst = await keyedRequest(app.url, CREATE, input('Other’s'), key, other);
    expect(otherFirst.status).toBe(200);
    expect(otherFirst.replayed).toBe(false);
    expectReplayOf(await keyedRequest(app.url, CREATE, input('One’s'), key, one), oneFirst);
    expect(await sessionCount(app.db)).toBe(before + 2);
  });
});
