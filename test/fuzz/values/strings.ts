import type { Rng } from '../rng';
import type { Validity } from './validity';
import { WRONG_TYPES } from './wrong-types';

/**
 * Strings for titles, candidate names and any other string argument: hostile ones (SQL, odd
 * Unicode, lengths around the limit) and valid ones, with the rule the API applies to them.
 */

export const SQL_STRINGS: readonly string[] = [
  "'; drop table interview_session; --",
  "1' or '1'='1",
  '1" or "1"="1',
  "' or 1=1 --",
  "admin'--",
  '$$',
  '$1',
  '$$; drop table interview_session; $$',
  "'); delete from interview_session where ('1'='1",
  '1; truncate interview_session cascade; --',
  "' union all select id, title from interview_session --",
  "'||pg_sleep(3)||'",
  '1)); select pg_sleep(3); --',
  "\\'; drop table interview_session; --",
  "%' or '%'='",
  '?',
  '? ?',
  ':id',
  '$1::text',
  "E'\\x00'",
  '\\x00',
  '\\',
  '/* */ --',
  ';',
  '"interview_session"',
  "'; update interview_session set status = 'completed'; --",
  '\u0000',
  'a\u0000b',
  "\u0000'; drop table interview_session; --",
  '%00',
  "1' and (select count(*) from pg_tables) > 0 and '1'='1",
];

export const UNICODE_STRINGS: readonly string[] = [
  'é',
  'Ada Lovelace',
  'Zoë Ñandú',
  '🙂',
  '❤️',
  '👨‍👩‍👧‍👦',
  '\u202Eevil\u202C',
  '\u200B',
  '\uFEFF',
  '\u3000',
  '\u00A0',
  ' ',
  '\t\r\n',
  '\uD800',
  'x\uDC00y',
  '\uFFFF',
  '\uFFFE',
  '\u{10FFFF}',
  'Ω≈ç√∫˜µ≤≥÷',
  '田中太郎',
  'ﷺ',
  '𝕿𝖊𝖘𝖙',
  'e\u0301',
  'ZA̡͊͠͝LGΌ',
  '\u0007\u001b[31mred',
  '\u2028\u2029',
];

const ODD_STRINGS: readonly string[] = [
  '',
  'null',
  'undefined',
  'NaN',
  'true',
  '0',
  '-1',
  '[]',
  '{}',
  '{"a":1}',
  '<script>alert(1)</script>',
  '{{7*7}}',
  '${7*7}',
  '%s%s%n%x',
  '../../../../etc/passwd',
  '\r\nSet-Cookie: x=y',
  '__proto__',
  'constructor',
  'toString',
  '"}{ __typename }',
  '\\u0000',
  'a'.repeat(64),
];

/** Strings around the 200-character limit, counted every way a program might count them. */
function boundaryStrings(): string[] {
  return [
    'x'.repeat(200),
    'x'.repeat(201),
    'é'.repeat(200),
    'é'.repeat(201),
    '🙂'.repeat(200), // 200 characters, 400 UTF-16 units
    '🙂'.repeat(201),
    ' '.repeat(199) + 'x',
    'x' + '\u0000'.repeat(5),
    // Variation selectors: 101 × (❤ + VS16) = 202 characters.
    '❤️'.repeat(101),
    'a\uFE0F'.repeat(150),
    'e\u0301'.repeat(120), // combining accents: 240 characters
  ];
}

/** Large strings: sizes chosen to land below, near and above the body limit once JSON-encoded. */
function longString(rng: Rng): string {
  const length = rng.pick([1_000, 10_000, 50_000, 101_000, 120_000]);
  const unit = rng.pick(['x', "'", '\\', '"', 'é', '🙂', "'; drop table interview_session; --"]);
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

/** A hostile string: SQL, odd Unicode, words that mean something to a program, lengths around and far above the limits. */
export function hostileString(rng: Rng): string {
  return rng.weighted<() => string>([
    [5, () => rng.pick(SQL_STRINGS)],
    [3, () => rng.pick(UNICODE_STRINGS)],
    [2, () => rng.pick(ODD_STRINGS)],
    [2, () => rng.pick(boundaryStrings())],
    [1, () => longString(rng)],
    [1, () => rng.pick(SQL_STRINGS) + rng.pick(UNICODE_STRINGS)],
    [1, () => rng.text(rng.int(1, 40), 'abc\' "\\;-$%_()\u0000é🙂\n')],
  ])();
}

/** The rule README.md states for titles and candidate names: 1–200 characters, not blank, no NUL, no unpaired surrogate. */
function isSessionText(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const characters = Array.from(value).length;
  return characters >= 1 && characters <= 200 && /\S/.test(value) && !value.includes('\u0000') && !hasLoneSurrogate(value);
}

/** The string with each unpaired surrogate replaced by U+FFFD, as UTF-8 encoders write it (a URL cannot carry one). */
export function wellFormed(value: string): string {
  return value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

export function hasLoneSurrogate(value: string): boolean {
  return wellFormed(value) !== value;
}

/** Valid titles and candidate names, hostile-looking ones included: the API must store them as they are. */
export const VALID_TEXTS: readonly string[] = [
  'System design',
  'Ada Lovelace',
  "'; drop table interview_session; --",
  "1' or '1'='1",
  '$$',
  "Robert'); drop table interview_session;--",
  '🙂 Zoë',
  '田中太郎',
  'é'.repeat(200),
  '🙂'.repeat(200),
  'x'.repeat(200),
  '\u202Eevil',
  ' padded ',
  'a\\b',
];

/** Whether the API must accept `value` as a title or candidate name; `inline` when it is sent as a GraphQL literal. */
export function textValidity(value: unknown, inline: boolean): Validity {
  if (inline && typeof value === 'string' && hasLoneSurrogate(value)) return false; // "\ud800" is not a GraphQL escape
  return isSessionText(value);
}

/** A value for a title or candidate name: mostly hostile strings, sometimes not a string at all. */
export function textSample(rng: Rng): unknown {
  return rng.weighted<() => unknown>([
    [6, () => hostileString(rng)],
    [2, () => rng.pick(boundaryStrings())],
    [1, () => rng.pick(WRONG_TYPES.concat([null]))],
  ])();
}
