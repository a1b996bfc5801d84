import { KeysetCursors } from '../../src/connections/cursor';
import { InvalidInputError } from '../../src/domain/domain-error';
import { SESSION_ORDERS } from '../../src/interview-sessions/interview-session-order';

const ID = '0190a6c8-7b3e-7c1a-8f3e-2b4d5e6f7a8b';
const CREATED_AT = new Date('2026-11-29T18:23:45.678Z');
const newestFirst = new KeysetCursors(SESSION_ORDERS.CREATED_AT_DESC, '');
const bySchedule = new KeysetCursors(SESSION_ORDERS.SCHEDULED_AT_ASC, '');
/**
 * The cursor of the row (CREATED_AT, ID) in the newest-first list without a filter, as clients hold
 * it. Pinned: a cursor one instance issued must be read by every other one.
 */
const CURSOR = newestFirst.of({ createdAt: CREATED_AT, id: ID });

/** A cursor-shaped value built by hand: base64url of any text. */
const encoded = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
/** The text a cursor of the newest-first list without a filter begins with: its order and the tag of its scope. */
const PREFIX = Buffer.from(CURSOR, 'base64url').toString('utf8').split('|').slice(0, 2).join('|');

/** What a client gets for `cursor` as its `argument`: the position, or the error's code, message and details. */
function readingOf(cursors: KeysetCursors, cursor: string, argument?: string) {
  try {
    return cursors.decode(cursor, argument);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    return { code: error.code, message: error.message, details: error.details };
  }
}

const NOT_A_CURSOR = { code: 'BAD_USER_INPUT', message: '"after" is not a cursor this API issued', details: { argument: 'after' } };
const ANOTHER_LIST = {
  code: 'BAD_USER_INPUT',
  message: '"after" is a cursor of another order or filter: ask for the first page again',
  details: { argument: 'after' },
};

describe('a keyset cursor', () => {
  it('is the base64url of the order, the tag of its scope, the key and the id, and reads back as that position', () => {
    expect(Buffer.from(CURSOR, 'base64url').toString('utf8')).toMatch(
      new RegExp(`^CREATED_AT_DESC\\|[A-Za-z0-9_-]{12}\\|2026-11-29T18:23:45.678Z\\|${ID}$`),
    );
    expect(readingOf(newestFirst, CURSOR)).toEqual({ key: CREATED_AT, id: ID });
  });

  it.each([
    new Date('0001-01-01T00:00:00.000Z'),
    new Date('1970-01-01T00:00:00.000Z'),
    new Date('2000-02-29T23:59:59.999Z'),
    new Date('9999-12-31T23:59:59.999Z'),
  ])('round-trips %s, to the millisecond', (createdAt) => {
    expect(readingOf(newestFirst, newestFirst.of({ createdAt, id: ID }))).toEqual({ key: createdAt, id: ID });
  });

  it('holds no key for a row without one in an order whose key may be null (unscheduled sessions)', () => {
    expect(readingOf(bySchedule, bySchedule.of({ scheduledAt: null, id: ID }))).toEqual({ key: null, id: ID });
  });

  it.each([
    ['empty', ''],
    ['made up', 'not-a-cursor'],
    ['truncated', CURSOR.slice(0, -1)],
    ['with a character appended', `${CURSOR}A`],
    ['re-padded', `${CURSOR}==`],
    ['without an id', encoded(`${PREFIX}|2026-11-29T18:23:45.678Z`)],
    ['with an id that is not a UUID', encoded(`${PREFIX}|2026-11-29T18:23:45.678Z|42`)],
    ['with a fifth part', encoded(`${PREFIX}|2026-11-29T18:23:45.678Z|${ID}|x`)],
    ['without a key in an order whose key is never null', encoded(`${PREFIX}||${ID}`)],
    ['with a time not as the API writes it (no milliseconds)', encoded(`${PREFIX}|2026-11-29T18:23:45Z|${ID}`)],
    ['with a time in another zone', encoded(`${PREFIX}|2026-11-29T19:23:45.678+01:00|${ID}`)],
    ['with a day that does not exist', encoded(`${PREFIX}|2026-02-30T00:00:00.000Z|${ID}`)],
    ['in the year 0000', encoded(`${PREFIX}|0000-01-01T00:00:00.000Z|${ID}`)],
    ['past the year 9999', encoded(`${PREFIX}|+010000-01-01T00:00:00.000Z|${ID}`)],
  ])('refuses a cursor %s as BAD_USER_INPUT on "after"', (_what, cursor) => {
    expect(readingOf(newestFirst, cursor)).toEqual(NOT_A_CURSOR);
  });

  it('refuses a cursor of another order, or of the same order under another filter, as a cursor of another list', () => {
    expect(readingOf(bySchedule, CURSOR)).toEqual(ANOTHER_LIST);
    expect(readingOf(new KeysetCursors(SESSION_ORDERS.CREATED_AT_DESC, 'in_progress||'), CURSOR)).toEqual(ANOTHER_LIST);
  });

  it('names the argument it came in', () => {
    expect(readingOf(newestFirst, 'not-a-cursor', 'before')).toEqual({
      ...NOT_A_CURSOR,
      message: '"before" is not a cursor this API issued',
      details: { argument: 'before' },
    });
  });
});
