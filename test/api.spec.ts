import { onlyRow } from '../src/database/only-row';
import { errorCodes, graphql } from './support/graphql-client';
import { ifSetUp } from './support/if-set-up';
import { startTestApp, type TestApp } from './support/test-app';

const FIELDS = 'id title candidateName status scheduledAt startedAt completedAt createdAt updatedAt';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await ifSetUp(app)?.stop();
});

const request = (query: string, variables?: Record<string, unknown>) => graphql(app.url, query, variables);

async function createSession(input: Record<string, unknown> = { title: 'System design', candidateName: 'Ada Lovelace' }) {
  const response = await request(
    `mutation ($input: CreateInterviewSessionInput!) { createInterviewSession(input: $input) { ${FIELDS} } }`,
    { input },
  );
  expect(response.body.errors).toBeUndefined();
  return response.body.data.createInterviewSession;
}

const statusMutation = (name: string, id: string) => request(`mutation ($id: ID!) { ${name}(id: $id) { ${FIELDS} } }`, { id });

describe('createInterviewSession', () => {
  it('stores a SCHEDULED session with server-set id and timestamps', async () => {
    const before = Date.now();
    const session = await createSession({ title: 'Backend', candidateName: 'Grace', scheduledAt: '2030-01-02T03:04:05.678Z' });

    expect(session).toMatchObject({
      title: 'Backend',
      candidateName: 'Grace',
      status: 'SCHEDULED',
      scheduledAt: '2030-01-02T03:04:05.678Z',
      startedAt: null,
      completedAt: null,
    });
    expect(session.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Date.parse(session.createdAt)).toBeGreaterThanOrEqual(before - 1);
    expect(session.updatedAt).toBe(session.createdAt);
    const [row] = await app.db.query(`select status from interview_session where id = $1`, [session.id]);
    expect(row).toEqual({ status: 'scheduled' });
  });

  it.each([
    ['an empty title', { title: '', candidateName: 'Ada' }, /title must be 1 to 200 characters/],
    ['a blank title', { title: '   ', candidateName: 'Ada' }, /title must not be blank/],
    ['a 201-character candidate name', { title: 'T', candidateName: 'x'.repeat(201) }, /candidateName must be 1 to 200/],
    ['a NUL character', { title: 'a\u0000b', candidateName: 'Ada' }, /NUL/],
    [
      '201 characters counted as PostgreSQL does (variation selectors)',
      { title: 'a\uFE0F'.repeat(101), candidateName: 'Ada' },
      /title must be 1 to 200/,
    ],
    [
      'a date in year 0',
      { title: 'T', candidateName: 'Ada', scheduledAt: '0000-01-01T00:00:00Z' },
      /scheduledAt must be in the years 0001 to 9999/,
    ],
  ])('rejects %s with BAD_USER_INPUT and stores nothing', async (_case, input, message) => {
    const { count: before } = onlyRow(await app.db.query(`select count(*)::int as count from interview_session`));
    const response = await request(`mutation ($input: CreateInterviewSessionInput!) { createInterviewSession(input: $input) { id } }`, {
      input,
    });
    expect(response.status).toBe(200);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.body.errors![0]!.message).toMatch(message);
    const { count: after } = onlyRow(await app.db.query(`select count(*)::int as count from interview_session`));
    expect(after).toBe(before);
  });

  it('accepts exactly 200 characters, counted as characters, not bytes', async () => {
    const session = await createSession({ title: 'é'.repeat(200), candidateName: '🙂'.repeat(200) });
    expect(session.title).toHaveLength(200);
  });

  it('rejects a malformed date before running anything', async () => {
    const response = await request(`mutation ($input: CreateInterviewSessionInput!) { createInterviewSession(input: $input) { id } }`, {
      input: { title: 'T', candidateName: 'C', scheduledAt: 'next tuesday' },
    });
    expect(response.status).toBe(400);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('interviewSession(id)', () => {
  it('returns the session with every field', async () => {
    const created = await createSession();
    const response = await request(`query ($id: ID!) { interviewSession(id: $id) { ${FIELDS} } }`, { id: created.id });
    // The cost: 2 for the object field, 1 for each of its nine scalar fields.
    expect(response.body).toEqual({ data: { interviewSession: created }, extensions: { cost: { requested: 11 } } });
  });

  it('returns null for an id that does not exist', async () => {
    const response = await request(`{ interviewSession(id: "01890a5d-ac96-774b-bcce-b302099a8057") { id } }`);
    expect(response.body).toEqual({ data: { interviewSession: null }, extensions: { cost: { requested: 3 } } });
  });

  it('reads what each operation of one document selects, when operations share a fragment', async () => {
    const { id } = await createSession({ title: 'Shared fragment', candidateName: 'Ada' });
    const document = `query A($id: ID!) { ...F }
      query B($id: ID!) { ...F interviewSession(id: $id) { title } }
      fragment F on Query { interviewSession(id: $id) { id } }`;
    const run = async (operationName: string) => {
      const response = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: document, operationName, variables: { id } }),
      });
      return ((await response.json()) as { data: unknown }).data;
    };
    // A first, so that B meets whatever A left behind.
    expect(await run('A')).toEqual({ interviewSession: { id } });
    expect(await run('B')).toEqual({ interviewSession: { id, title: 'Shared fragment' } });
  });

  it('rejects an id that is not a UUID with BAD_USER_INPUT', async () => {
    const response = await request(`{ interviewSession(id: "1; drop table interview_session") { id } }`);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.body.errors![0]!.extensions).toEqual({ code: 'BAD_USER_INPUT', argument: 'id' });
  });
});

describe('updateInterviewSession', () => {
  it('changes only the given fields and bumps updatedAt', async () => {
    const created = await createSession({ title: 'Old', candidateName: 'Alan', scheduledAt: '2030-01-01T00:00:00.000Z' });
    // Set back to a known instant, so that the bump shows even when the update lands in the same millisecond.
    const before = '2026-01-01T00:00:00.000Z';
    await app.db.query('update interview_session set updated_at = $1 where id = $2', [before, created.id]);
    const response = await request(
      `mutation ($id: ID!, $input: UpdateInterviewSessionInput!) { updateInterviewSession(id: $id, input: $input) { ${FIELDS} } }`,
      { id: created.id, input: { title: 'New', scheduledAt: null } },
    );
    const updated = response.body.data.updateInterviewSession;
    expect(updated).toMatchObject({ title: 'New', candidateName: 'Alan', scheduledAt: null, createdAt: created.createdAt });
    expect(Date.parse(updated.updatedAt)).toBeGreaterThan(Date.parse(before));
    expect(Date.parse(updated.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.createdAt));
  });

  it('refuses null for a required field', async () => {
    const created = await createSession();
    const response = await request(`mutation ($id: ID!) { updateInterviewSession(id: $id, input: { title: null }) { id } }`, {
      id: created.id,
    });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });

  it('answers NOT_FOUND for an unknown id', async () => {
    const response = await request(
      `mutation { updateInterviewSession(id: "01890a5d-ac96-774b-bcce-b302099a8057", input: { title: "x" }) { id } }`,
    );
    expect(errorCodes(response)).toEqual(['NOT_FOUND']);
  });
});

describe('status transitions', () => {
  it('goes SCHEDULED → IN_PROGRESS → COMPLETED, stamping startedAt and completedAt', async () => {
    const { id } = await createSession();
    const started = (await statusMutation('startInterviewSession', id)).body.data.startInterviewSession;
    expect(started.status).toBe('IN_PROGRESS');
    expect(started.startedAt).not.toBeNull();
    const completed = (await statusMutation('completeInterviewSession', id)).body.data.completeInterviewSession;
    expect(completed).toMatchObject({ status: 'COMPLETED', startedAt: started.startedAt });
    expect(Date.parse(completed.completedAt)).toBeGreaterThanOrEqual(Date.parse(started.startedAt));
  });

  it.each([
    ['a SCHEDULED', [], 'cancelInterviewSession'],
    ['an IN_PROGRESS', ['startInterviewSession'], 'cancelInterviewSession'],
  ])('cancels %s session', async (_state, setup, mutation) => {
    const { id } = await createSession();
    for (const step of setup) await statusMutation(step, id);
    const response = await statusMutation(mutation, id);
    expect(response.body.data[mutation].status).toBe('CANCELLED');
  });

  it.each([
    ['complete a SCHEDULED session', [], 'completeInterviewSession', 'SCHEDULED'],
    ['start an IN_PROGRESS session', ['startInterviewSession'], 'startInterviewSession', 'IN_PROGRESS'],
    ['start a COMPLETED session', ['startInterviewSession', 'completeInterviewSession'], 'startInterviewSession', 'COMPLETED'],
    ['cancel a COMPLETED session', ['startInterviewSession', 'completeInterviewSession'], 'cancelInterviewSession', 'COMPLETED'],
    ['start a CANCELLED session', ['cancelInterviewSession'], 'startInterviewSession', 'CANCELLED'],
    ['cancel a CANCELLED session', ['cancelInterviewSession'], 'cancelInterviewSession', 'CANCELLED'],
  ])('refuses to %s with INVALID_STATUS_TRANSITION and changes nothing', async (_case, setup, mutation, status) => {
    const { id } = await createSession();
    for (const step of setup) await statusMutation(step, id);
    const [before] = await app.db.query(`select * from interview_session where id = $1`, [id]);

    const response = await statusMutation(mutation, id);

    expect(response.body.data).toBeNull();
    expect(response.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'INVALID_STATUS_TRANSITION', status } })]);
    const [after] = await app.db.query(`select * from interview_session where id = $1`, [id]);
    expect(after).toEqual(before);
  });

  it('lets exactly one of many concurrent starts win', async () => {
    const { id } = await createSession();
    const responses = await Promise.all(Array.from({ length: 8 }, () => statusMutation('startInterviewSession', id)));
    const codes = responses.map((response) => errorCodes(response)[0] ?? 'ok').sort();
    expect(codes).toEqual(['INVALID_STATUS_TRANSITION', ...Array(6).fill('INVALID_STATUS_TRANSITION'), 'ok'].sort());
  });

  it('answers NOT_FOUND for an unknown id', async () => {
    const response = await statusMutation('startInterviewSession', '01890a5d-ac96-774b-bcce-b302099a8057');
    expect(errorCodes(response)).toEqual(['NOT_FOUND']);
  });
});

describe('deleteInterviewSession', () => {
  it('deletes the session and says so; a second delete finds nothing', async () => {
    const { id } = await createSession();
    const remove = () => request(`mutation ($id: ID!) { deleteInterviewSession(id: $id) }`, { id });
    expect((await remove()).body).toEqual({ data: { deleteInterviewSession: true }, extensions: { cost: { requested: 1 } } });
    expect((await remove()).body).toEqual({ data: { deleteInterviewSession: false }, extensions: { cost: { requested: 1 } } });
    expect(await app.db.query(`select id from interview_session where id = $1`, [id])).toEqual([]);
  });

  it('rejects an id that is not a UUID', async () => {
    const response = await request(`mutation { deleteInterviewSession(id: "42") }`);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('error hygiene', () => {
  it('never sends stack traces, SQL or connection details', async () => {
    const responses = await Promise.all([
      request(`{ interviewSession(id: "not-a-uuid") { id } }`),
      request(`{ interviewSessions(first: 1000) { nodes { id } } }`),
      request(`{ interviewSessions(after: "bm9wZQ") { nodes { id } } }`),
      request(`mutation { createInterviewSession(input: { title: "", candidateName: "" }) { id } }`),
      request(`{ nope }`),
    ]);
    for (const response of responses) {
      expect(response.status).toBeLessThan(500);
      const text = JSON.stringify(response.body);
      expect(text).not.toMatch(/stacktrace|select |insert |postgres(ql)?:\/\/|\bat .*\.ts:\d+/i);
      expect(errorCodes(response).length).toBeGreaterThan(0);
      expect(errorCodes(response)).not.toContain(undefined);
    }
  });
});
