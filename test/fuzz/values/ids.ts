import type { Rng } from '../rng';
import { hostileString } from './strings';
import { WRONG_TYPES } from './wrong-types';

/** How a string fares as a session id. */
type IdClass = 'uuid' | 'garbage' | 'ambiguous';

const CANONICAL_UUID =
  /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}|0{8}-0{4}-0{4}-0{4}-0{12}|f{8}-f{4}-f{4}-f{4}-f{12})$/i;
const UUID_SHAPED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** 'ambiguous': UUID-shaped but with an unusual version or variant; rejecting it is as fine as not finding it. */
function idClass(value: string): IdClass {
  if (CANONICAL_UUID.test(value)) return 'uuid';
  return UUID_SHAPED.test(value) ? 'ambiguous' : 'garbage';
}

/** Strings (and near-UUIDs) the API must reject as ids. */
function invalidIds(rng: Rng): string[] {
  const uuid = rng.uuidV4();
  return [
    '',
    ' ',
    'not-a-uuid',
    '1',
    '0',
    '-1',
    uuid.slice(0, 35),
    `${uuid}0`,
    `{${uuid}}`,
    uuid.replace(/-/g, ''),
    ` ${uuid}`,
    `${uuid}\n`,
    `${uuid}\u0000`,
    `urn:uuid:${uuid}`,
    `${uuid.slice(0, 14)}0${uuid.slice(15)}`, // version 0
    `${uuid.slice(0, 19)}c${uuid.slice(20)}`, // variant c
    uuid.replace(/[0-9]/g, 'g'),
    `${uuid}' or '1'='1`,
    "00000000-0000-0000-0000-000000000000' or '1'='1",
    `${uuid}; drop table interview_session; --`,
    '\uD83D\uDE42'.repeat(40),
    'x'.repeat(10_000),
  ];
}

/** Well-formed ids of sessions that do not exist. */
function absentIds(rng: Rng): string[] {
  return [rng.uuidV4(), rng.uuidV4().toUpperCase(), '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff'];
}

/** What the API must make of an id: not found, rejected as malformed, or either. */
export type IdKind = 'absent' | 'invalid' | 'either';

/** A hostile id and what the API must make of it. */
export function idSample(rng: Rng): { value: unknown; kind: IdKind } {
  const value = rng.weighted<() => unknown>([
    [5, () => rng.pick(invalidIds(rng))],
    [2, () => rng.pick(absentIds(rng))],
    [4, () => hostileString(rng)],
    [1, () => rng.pick(WRONG_TYPES.concat([null]))],
  ])();
  if (typeof value === 'number' && Number.isInteger(value)) return { value, kind: 'invalid' };
  if (typeof value !== 'string') return { value, kind: 'invalid' };
  const cls = idClass(value);
  return { value, kind: cls === 'uuid' ? 'absent' : cls === 'garbage' ? 'invalid' : 'either' };
}
