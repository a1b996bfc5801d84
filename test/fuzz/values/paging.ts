import type { Rng } from '../rng';
import { SQL_STRINGS, UNICODE_STRINGS } from './strings';
import type { Sample } from './validity';

/** The paging arguments of interviewSessions: `after` cursors and `first` page sizes. */

function cursorOf(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

/** Cursors this API never issued: every one must be refused as the client's mistake. */
export function hostileCursors(rng: Rng): Sample[] {
  const uuid = rng.uuidV4();
  const bad = (value: unknown): Sample => ({ value, valid: false });
  return [
    bad(''),
    bad('bm9wZQ'),
    bad('='),
    bad('!!!!'),
    bad(Buffer.from(rng.bytes(rng.int(1, 64))).toString('base64')),
    bad(Buffer.from(rng.bytes(rng.int(1, 64))).toString('base64url')),
    bad(cursorOf(`2024-01-01T00:00:00.000Z|not-a-uuid`)),
    bad(cursorOf(`2024-01-01T00:00:00.000Z|${uuid}|x`)),
    bad(cursorOf(`2024-01-01T00:00:00Z|${uuid}`)), // not the exact ISO form
    bad(cursorOf(`yesterday|${uuid}`)),
    bad(cursorOf(`2024-01-01T00:00:00.000Z|${uuid}'; drop table interview_session; --`)),
    bad(cursorOf(`'; drop table interview_session; --|${uuid}`)),
    bad(cursorOf(`2024-01-01T00:00:00.000Z`)),
    bad(cursorOf(`|`)),
    bad(rng.pick(SQL_STRINGS)),
    bad(rng.pick(UNICODE_STRINGS)),
    bad('x'.repeat(rng.pick([1_000, 60_000]))),
    // The format before orders (`<createdAt>|<id>`): no longer a cursor, however well-formed.
    bad(cursorOf(`2024-01-01T00:00:00.000Z|${uuid}`)),
    bad(cursorOf(`2999-12-31T23:59:59.999Z|ffffffff-ffff-ffff-ffff-ffffffffffff`)),
    bad(cursorOf(`0000-01-01T00:00:00.000Z|${uuid}`)),
    // The shape of today's cursors (`<order>|<scope tag>|<key>|<id>`), with a part made up or edited.
    bad(cursorOf(`CREATED_AT_DESC|${rng.pick(['', 'AAAAAAAAAAAA', 'x'])}|2024-01-01T00:00:00.000Z|${uuid}`)),
    bad(cursorOf(`NEWEST|AAAAAAAAAAAA|2024-01-01T00:00:00.000Z|${uuid}`)),
    bad(cursorOf(`CREATED_AT_DESC|AAAAAAAAAAAA||${uuid}`)),
    bad(cursorOf(`CREATED_AT_DESC|AAAAAAAAAAAA|+275760-09-13T00:00:00.000Z|${uuid}`)),
    bad(cursorOf(`CREATED_AT_DESC|AAAAAAAAAAAA|-271821-04-20T00:00:00.000Z|${uuid}`)),
  ];
}

/** `first` values: 1 to 100, or null for the default, and nothing else. */
export const FIRST_VALUES: readonly Sample[] = [
  { value: 1, valid: true },
  { value: 20, valid: true },
  { value: 100, valid: true },
  { value: null, valid: true },
  { value: 0, valid: false },
  { value: -1, valid: false },
  { value: 101, valid: false },
  { value: 2_147_483_647, valid: false },
  { value: -2_147_483_648, valid: false },
  { value: 2_147_483_648, valid: false },
  { value: 1.5, valid: false },
  { value: 1e308, valid: false },
  { value: '10', valid: false },
  { value: "1' or '1'='1", valid: false },
  { value: true, valid: false },
  { value: [1], valid: false },
  { value: {}, valid: false },
];
