import { decodeCursor, encodeCursor } from '../../src/interview-sessions/cursor';
import { InvalidCursorError } from '../../src/interview-sessions/errors';

const ID = '0190a6c8-7b3e-7c1a-8f3e-2b4d5e6f7a8b';
const POSITION = { createdAt: new Date('2026-11-29T18:23:45.678Z'), id: ID };
/**
 * The cursor of POSITION, as clients hold it. Pinned: a cursor one instance (or the previous
 * version) issued must be read by every other one.
 */
const CURSOR = 'MjAyNi0xMS0yOVQxODoyMzo0NS42NzhafDAxOTBhNmM4LTdiM2UtN2MxYS04ZjNlLTJiNGQ1ZTZmN2E4Yg';

/** A cursor-shaped value built by hand: base64url of any text. */
const encoded = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** What a client gets for `cursor` as its `argument`: the position, or the error's code, message and details. */
function readingOf(cursor: string, argument?: string) {
  try {
    return decodeCursor(cursor, argument);
  } catch (error) {
    if (!(error instanceof InvalidCursorError)) throw error;
    return { code: error.code, message: error.message, details: error.details };
  }
}

const NOT_A_CURSOR = { code: 'BAD_USER_INPUT', message: '"after" is not a cursor this API issued', details: { argument: 'after' } };

describe('a keyset cursor', () => {
  it('is the base64url of the position (created_at | id), and reads back as that position', () => {
    expect(encodeCursor(POSITION)).toBe(CURSOR);
    expect(readingOf(CURSOR)).toEqual(POSITION);
  });

  it.each([
    new Date('0001-01-01T00:00:00.000Z'),
    new Date('1970-01-01T00:00:00.000Z'),
    new Date('2000-02-29T23:59:59.999Z'),
    new Date('9999-12-31T23:59:59.999Z'),
  ])('round-trips %s, to the millisecond', (createdAt) => {
    expect(readingOf(encodeCursor({ createdAt, id: ID }))).toEqual({ createdAt, id: ID });
  });

  it.each([
    ['empty', ''],
    ['made up', 'not-a-cursor'],
    ['truncated', CURSOR.slice(0, -1)],
    ['with a character appended', `${CURSOR}A`],
    ['re-padded', `${CURSOR}==`],
    ['without an id', encoded('2026-11-29T18:23:45.678Z')],
    ['with an id that is not a UUID', encoded('2026-11-29T18:23:45.678Z|42')],
    ['with a third part', encoded(`2026-11-29T18:23:45.678Z|${ID}|x`)],
    ['with a time not as the API writes it (no milliseconds)', encoded(`2026-11-29T18:23:45Z|${ID}`)],
    ['with a time in another zone', encoded(`2026-11-29T19:23:45.678+01:00|${ID}`)],
    ['with a day that does not exist', encoded(`2026-02-30T00:00:00.000Z|${ID}`)],
    ['in the year 0000', encoded(`0000-01-01T00:00:00.000Z|${ID}`)],
    ['past the year 9999', encoded(`+010000-01-01T00:00:00.000Z|${ID}`)],
  ])('refuses a cursor %s as BAD_USER_INPUT on "after"', (_what, cursor) => {
    expect(readingOf(cursor)).toEqual(NOT_A_CURSOR);
  });

  it('names the argument it came in', () => {
    expect(readingOf('not-a-cursor', 'before')).toEqual({
      ...NOT_A_CURSOR,
      message: '"before" is not a cursor this API issued',
      details: { argument: 'before' },
    });
  });
});
