import { summaryOf } from '../src/tracing/statement-summary';

/** What a statement span is named and says, for the statements this server sends. */
describe('the summary of a SQL statement', () => {
  it.each([
    [
      'select "id" as "id", "title" as "title" from interview_session where id = $1',
      { operation: 'SELECT', collection: 'interview_session', summary: 'SELECT interview_session' },
    ],
    [
      'select count(*)::int as count from interview_session ',
      { operation: 'SELECT', collection: 'interview_session', summary: 'SELECT interview_session' },
    ],
    [
      'insert into "interview_session" ("id", "title") values ($1, $2) returning "version"',
      { operation: 'INSERT', collection: 'interview_session', summary: 'INSERT interview_session' },
    ],
    [
      'update "interview_session" set "status" = $1 where "id" = $2 and "version" = $3',
      { operation: 'UPDATE', collection: 'interview_session', summary: 'UPDATE interview_session' },
    ],
    [
      'delete from "public"."idempotency_key" where expires_at <= now()',
      { operation: 'DELETE', collection: 'public.idempotency_key', summary: 'DELETE public.idempotency_key' },
    ],
    // A function called in FROM is no collection.
    ['select * from claim_idempotency_key($1, $2)', { operation: 'SELECT', summary: 'SELECT claim_idempotency_key()' }],
    ['BEGIN;', { operation: 'BEGIN', summary: 'BEGIN' }],
    ['  commit', { operation: 'COMMIT', summary: 'COMMIT' }],
    ['select 1', { operation: 'SELECT', summary: 'SELECT' }],
  ])('%s', (sql, expected) => {
    expect(summaryOf(sql)).toEqual(expected);
  });
});
