import { errorCodes, graphql } from './support/graphql-client';
import { sharedTestApp } from './support/shared-test-app';

const FEEDBACK_FIELDS = 'id interviewerName rating notes createdAt session { id status }';

const testApp = sharedTestApp();

const request = (query: string, variables?: Record<string, unknown>) => graphql(testApp().url, query, variables);

/** A session in `status`, straight into the table; its id. */
async function sessionIn(status: string): Promise<string> {
  const [row] = await testApp().db.query<{ id: string }>(
    `insert into interview_session (id, title, candidate_name, status, created_at, updated_at)
     values (gen_random_uuid(), 'Design', 'Ada', $1, now(), now()) returning id`,
    [status],
  );
  return row!.id;
}

const ADD = `mutation ($sessionId: ID!, $input: AddInterviewFeedbackInput!) {
  addInterviewFeedback(sessionId: $sessionId, input: $input) { ${FEEDBACK_FIELDS} }
}`;
const add = (sessionId: string, input: Record<string, unknown>) => request(ADD, { sessionId, input });

/** `ratings.length` feedback of a session, all created at the same instant: their order is the id's. */
async function insertFeedback(sessionId: string, ratings: number[], createdAt = '2026-03-01T10:00:00.000Z'): Promise<void> {
  await testApp().db.query(
    `insert into interview_feedback (id, session_id, interviewer_name, rating, created_at)
     select gen_random_uuid(), $1, 'Interviewer ' || n, rating, $3 from unnest($2::int[]) with ordinality as r(rating, n)`,
    [sessionId, ratings, createdAt],
  );
}

describe('addInterviewFeedback', () => {
  it.each(['in_progress', 'completed'])('adds feedback to a session that is %s, and answers it with its session', async (status) => {
    const sessionId = await sessionIn(status);
    const before = Date.now();
    const response = await add(sessionId, { interviewerName: 'Grace Hopper', rating: 4, notes: 'Clear thinking' });
    expect(response.body.errors).toBeUndefined();
    const feedback = response.body.data.addInterviewFeedback;
    expect(feedback).toMatchObject({
      interviewerName: 'Grace Hopper',
      rating: 4,
      notes: 'Clear thinking',
      session: { id: sessionId, status: status.toUpperCase() },
    });
    expect(Date.parse(feedback.createdAt)).toBeGreaterThanOrEqual(before - 1);
    expect(await testApp().db.query('select session_id, rating from interview_feedback')).toEqual([{ session_id: sessionId, rating: 4 }]);
  });

  it.each([
    ['scheduled', 'SCHEDULED'],
    ['cancelled', 'CANCELLED'],
  ])('refuses a session that is %s with INVALID_STATUS_TRANSITION and its status, storing nothing', async (stored, shown) => {
    const response = await add(await sessionIn(stored), { interviewerName: 'Grace', rating: 4 });
    expect(errorCodes(response)).toEqual(['INVALID_STATUS_TRANSITION']);
    expect(response.body.errors![0]!.extensions).toMatchObject({ status: shown });
    expect(response.body.errors![0]!.message).toBe(`A session that is ${shown} cannot be given feedback`);
    expect(await testApp().db.query('select id from interview_feedback')).toEqual([]);
  });

  it('answers NOT_FOUND for a session that does not exist, BAD_USER_INPUT for an id that is not one', async () => {
    expect(errorCodes(await add('01890a5d-ac96-774b-bcce-b302099a8057', { interviewerName: 'Grace', rating: 4 }))).toEqual(['NOT_FOUND']);
    const malformed = await add('42', { interviewerName: 'Grace', rating: 4 });
    expect(errorCodes(malformed)).toEqual(['BAD_USER_INPUT']);
    expect(malformed.body.errors![0]!.extensions).toMatchObject({ argument: 'sessionId' });
  });

  it.each([
    ['a rating of 0', { interviewerName: 'Grace', rating: 0 }, /rating must be 1 to 5/],
    ['a rating of 6', { interviewerName: 'Grace', rating: 6 }, /rating must be 1 to 5/],
    ['an empty interviewer name', { interviewerName: '', rating: 3 }, /interviewerName must be 1 to 200 characters/],
    ['a blank interviewer name', { interviewerName: '  ', rating: 3 }, /interviewerName must not be blank/],
    ['notes of 5,001 characters', { interviewerName: 'Grace', rating: 3, notes: 'x'.repeat(5_001) }, /notes must be at most 5000/],
    ['notes with a NUL', { interviewerName: 'Grace', rating: 3, notes: 'a\u0000b' }, /NUL/],
  ])('refuses %s with BAD_USER_INPUT', async (_case, input, message) => {
    const response = await add(await sessionIn('completed'), input);
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.body.errors![0]!.message).toMatch(message);
    expect(await testApp().db.query('select id from interview_feedback')).toEqual([]);
  });

  it('takes notes of exactly 5,000 characters, empty notes, and none', async () => {
    const sessionId = await sessionIn('completed');
    for (const notes of ['é'.repeat(5_000), '', null]) {
      const response = await add(sessionId, { interviewerName: 'Grace', rating: 5, notes });
      expect(response.body.data?.addInterviewFeedback.notes).toBe(notes);
    }
  });
});

describe('deleteInterviewFeedback', () => {
  it('answers true when it deleted the feedback, false when there was none', async () => {
    const added = await add(await sessionIn('completed'), { interviewerName: 'Grace', rating: 2 });
    const { id } = added.body.data.addInterviewFeedback;
    const remove = () => request('mutation ($id: ID!) { deleteInterviewFeedback(id: $id) }', { id });
    expect((await remove()).body.data).toEqual({ deleteInterviewFeedback: true });
    expect((await remove()).body.data).toEqual({ deleteInterviewFeedback: false });
  });

  it('goes with its session: deleting a session deletes its feedback, and only its', async () => {
    const [doomed, kept] = [await sessionIn('completed'), await sessionIn('completed')];
    await insertFeedback(doomed, [1, 2, 3]);
    await insertFeedback(kept, [4]);
    const response = await request('mutation ($id: ID!) { deleteInterviewSession(id: $id) }', { id: doomed });
    expect(response.body.data).toEqual({ deleteInterviewSession: true });
    expect(await testApp().db.query('select session_id, rating from interview_feedback')).toEqual([{ session_id: kept, rating: 4 }]);
  });
});

const FEEDBACK_PAGE = `query ($id: ID!, $first: Int, $after: String) {
  interviewSession(id: $id) {
    averageRating
    feedback(first: $first, after: $after) {
      totalCount
      nodes { id rating }
      edges { cursor node { id } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
}`;

describe('InterviewSession.feedback and averageRating', () => {
  /** The session's feedback ids as the API promises them: newest first, then by id, descending. */
  const newestFirst = async (sessionId: string) =>
    (
      await testApp().db.query<{ id: string }>(
        'select id from interview_feedback where session_id = $1 order by created_at desc, id desc',
        [sessionId],
      )
    ).map((row) => row.id);

  it('pages through the feedback newest first, ties included, with its total and average', async () => {
    const sessionId = await sessionIn('completed');
    await insertFeedback(sessionId, [5, 4, 2, 5, 1, 3, 4], '2026-03-01T10:00:00.000Z');
    await insertFeedback(sessionId, [2, 2], '2026-03-02T10:00:00.000Z');
    const seen: string[] = [];
    let after: string | undefined;
    for (let page = 0; page < 10; page++) {
      const response = await request(FEEDBACK_PAGE, { id: sessionId, first: 2, after });
      expect(response.body.errors).toBeUndefined();
      const { averageRating, feedback } = response.body.data.interviewSession;
      expect([averageRating, feedback.totalCount]).toEqual([28 / 9, 9]);
      expect(feedback.edges.map((edge: { node: { id: string } }) => edge.node.id)).toEqual(
        feedback.nodes.map((node: { id: string }) => node.id),
      );
      expect(feedback.pageInfo.hasPreviousPage).toBe(after !== undefined);
      seen.push(...feedback.nodes.map((node: { id: string }) => node.id));
      if (!feedback.pageInfo.hasNextPage) break;
      after = feedback.pageInfo.endCursor;
    }
    expect(seen).toEqual(await newestFirst(sessionId));
  });

  it('answers an empty page, a total of 0 and a null average for a session without feedback', async () => {
    const response = await request(FEEDBACK_PAGE, { id: await sessionIn('scheduled') });
    expect(response.body.data.interviewSession).toEqual({
      averageRating: null,
      feedback: {
        totalCount: 0,
        nodes: [],
        edges: [],
        pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
      },
    });
  });

  it("refuses a cursor of one session's feedback for another session's with BAD_USER_INPUT", async () => {
    const [first, second] = [await sessionIn('completed'), await sessionIn('completed')];
    await insertFeedback(first, [1, 2, 3]);
    await insertFeedback(second, [1, 2, 3]);
    const page = await request(FEEDBACK_PAGE, { id: first, first: 1 });
    const after = page.body.data.interviewSession.feedback.pageInfo.endCursor;
    expect(errorCodes(await request(FEEDBACK_PAGE, { id: first, first: 1, after }))).toEqual([]);
    const elsewhere = await request(FEEDBACK_PAGE, { id: second, first: 1, after });
    expect(errorCodes(elsewhere)).toEqual(['BAD_USER_INPUT']);
    expect(elsewhere.body.errors![0]!.extensions).toMatchObject({ argument: 'after' });
  });

  it.each([0, 101])('refuses feedback(first: %i) with BAD_USER_INPUT', async (first) => {
    const response = await request(FEEDBACK_PAGE, { id: await sessionIn('completed'), first });
    expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
  });

  it("serves a session's feedback whatever else of the session is selected, and each feedback's session", async () => {
    const sessionId = await sessionIn('in_progress');
    await insertFeedback(sessionId, [3, 5]);
    const response = await request(
      `query ($id: ID!) { interviewSession(id: $id) { feedback { totalCount nodes { session { id averageRating } } } } }`,
      { id: sessionId },
    );
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data).toEqual({
      interviewSession: {
        feedback: {
          totalCount: 2,
          nodes: [{ session: { id: sessionId, averageRating: 4 } }, { session: { id: sessionId, averageRating: 4 } }],
        },
      },
    });
  });
});
