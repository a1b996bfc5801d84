/**
 * Building blocks of test/fuzz.spec.ts: a seeded PRNG, pools of hostile values, and generators of
 * requests that need no knowledge of the data (malformed bodies, wrong content types, odd GET
 * query strings, bodies around the size limit, deep and aliased documents).
 */

/** mulberry32: a tiny, fast, seedable PRNG; the same seed gives the same cases. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export class Rng {
  private readonly source: () => number;

  constructor(seed: number) {
    this.source = mulberry32(seed);
  }

  next(): number {
    return this.source();
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  weighted<T>(entries: ReadonlyArray<readonly [number, T]>): T {
    const total = entries.reduce((sum, [weight]) => sum + weight, 0);
    let roll = this.next() * total;
    for (const [weight, value] of entries) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return entries[entries.length - 1]![1];
  }

  bytes(length: number): Uint8Array {
    const bytes = new Uint8Array(length);
    for (let i = 0; i < length; i++) bytes[i] = this.int(0, 255);
    return bytes;
  }

  text(length: number, alphabet: string): string {
    const chars = Array.from(alphabet);
    let text = '';
    for (let i = 0; i < length; i++) text += this.pick(chars);
    return text;
  }

  hex(length: number): string {
    return this.text(length, '0123456789abcdef');
  }

  /** A random version 4 UUID: never one the server generated (it makes version 7). */
  uuidV4(): string {
    const variant = this.pick(['8', '9', 'a', 'b']);
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-${variant}${this.hex(3)}-${this.hex(12)}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Hostile values
// ---------------------------------------------------------------------------------------------

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
  "1; truncate interview_session cascade; --",
  "' union all select id, title from interview_session --",
  "'||pg_sleep(3)||'",
  "1)); select pg_sleep(3); --",
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

export const ODD_STRINGS: readonly string[] = [
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
export function boundaryStrings(): string[] {
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
export function longString(rng: Rng): string {
  const length = rng.pick([1_000, 10_000, 50_000, 101_000, 120_000]);
  const unit = rng.pick(['x', "'", '\\', '"', 'é', '🙂', "'; drop table interview_session; --"]);
  return unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
}

export function hostileString(rng: Rng): string {
  return rng.weighted<() => string>([
    [5, () => rng.pick(SQL_STRINGS)],
    [3, () => rng.pick(UNICODE_STRINGS)],
    [2, () => rng.pick(ODD_STRINGS)],
    [2, () => rng.pick(boundaryStrings())],
    [1, () => longString(rng)],
    [1, () => rng.pick(SQL_STRINGS) + rng.pick(UNICODE_STRINGS)],
    [1, () => rng.text(rng.int(1, 40), "abc' \"\\;-$%_()\u0000é🙂\n")],
  ])();
}

/** Values of the wrong JSON type for almost any argument. */
export const WRONG_TYPES: readonly unknown[] = [
  0,
  1,
  -1,
  1.5,
  1e308,
  -1e308,
  2_147_483_648,
  true,
  false,
  [],
  ['x'],
  [null],
  {},
  { id: 'x' },
  [[[]]],
  { $gt: '' },
];

/** The rule README.md states for titles and candidate names: 1–200 characters, not blank, no NUL. */
export function isSessionText(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const characters = Array.from(value).length;
  return characters >= 1 && characters <= 200 && /\S/.test(value) && !value.includes('\u0000');
}

/** What PostgreSQL stores for a JavaScript string: a lone surrogate becomes U+FFFD in UTF-8. */
export function storedText(value: string): string {
  return value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

export function hasLoneSurrogate(value: string): boolean {
  return storedText(value) !== value;
}

/**
 * DateTimeISO inputs. `valid`: true = a date the API must accept, false = one it must reject
 * (BAD_USER_INPUT or a validation error), 'edge' = either is fine, but it must be one of them.
 */
export interface DateSample {
  value: unknown;
  valid: boolean | 'edge';
}

export const DATES: readonly DateSample[] = [
  { value: '2030-01-02T10:00:00Z', valid: true },
  { value: '2030-01-02T10:00:00.123Z', valid: true },
  { value: '2030-01-02T10:00:00+05:30', valid: true },
  { value: '2030-01-02T10:00:00.123456789-11:59', valid: true },
  { value: '2024-02-29T00:00:00z', valid: true },
  { value: '1970-01-01T00:00:00Z', valid: true },
  { value: '9999-12-31T23:59:59.999Z', valid: true },
  { value: '0001-01-01T00:00:00Z', valid: true },
  // Year 0 (1 BC) passes the scalar; PostgreSQL has no year 0 in ISO form.
  { value: '0000-01-01T00:00:00Z', valid: 'edge' },
  { value: '0000-06-15T12:00:00Z', valid: 'edge' },
  { value: '0001-01-01T00:30:00+01:00', valid: 'edge' },
  { value: 'next tuesday', valid: false },
  { value: '', valid: false },
  { value: '2024-02-30T00:00:00Z', valid: false },
  { value: '2023-02-29T00:00:00Z', valid: false },
  { value: '2024-01-01', valid: false },
  { value: '2024-01-01T25:00:00Z', valid: false },
  { value: '2024-01-01T00:00:60Z', valid: false },
  { value: '2024-01-01T00:00:00', valid: false },
  { value: '2024-01-01 00:00:00Z', valid: false },
  { value: '10000-01-01T00:00:00Z', valid: false },
  { value: '+275760-09-13T00:00:00.000Z', valid: false },
  { value: '-000001-01-01T00:00:00.000Z', valid: false },
  { value: '2024-01-01T00:00:00|01:00', valid: false },
  { value: "2024-01-01T00:00:00Z'; drop table interview_session; --", valid: false },
  { value: "1' or '1'='1", valid: false },
  { value: '2024-01-01T00:00:00\u0000Z', valid: false },
  { value: 1_700_000_000, valid: false },
  { value: 1_700_000_000_000, valid: false },
  { value: true, valid: false },
  { value: [], valid: false },
  { value: {}, valid: false },
];

/** How a string fares as a session id. */
export type IdClass = 'uuid' | 'garbage' | 'ambiguous';

const CANONICAL_UUID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}|0{8}-0{4}-0{4}-0{4}-0{12}|f{8}-f{4}-f{4}-f{4}-f{12})$/i;
const UUID_SHAPED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** 'ambiguous': UUID-shaped but with an unusual version or variant; rejecting it is as fine as not finding it. */
export function idClass(value: string): IdClass {
  if (CANONICAL_UUID.test(value)) return 'uuid';
  return UUID_SHAPED.test(value) ? 'ambiguous' : 'garbage';
}

export function invalidIds(rng: Rng): string[] {
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

export function absentIds(rng: Rng): string[] {
  return [rng.uuidV4(), rng.uuidV4().toUpperCase(), '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff'];
}

export function cursorOf(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

/** Cursors this API never issued; `valid` ones are well-formed and must be answered normally. */
export function hostileCursors(rng: Rng): DateSample[] {
  const uuid = rng.uuidV4();
  const bad = (value: unknown): DateSample => ({ value, valid: false });
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
    // Well-formed: the cursor of a row that does not exist is a fine place to start a page.
    { value: cursorOf(`2024-01-01T00:00:00.000Z|${uuid}`), valid: true },
    { value: cursorOf(`2999-12-31T23:59:59.999Z|ffffffff-ffff-ffff-ffff-ffffffffffff`), valid: true },
    { value: cursorOf(`1970-01-01T00:00:00.000Z|00000000-0000-0000-0000-000000000000`), valid: true },
    // Dates JavaScript can hold and round-trip, but PostgreSQL cannot parse in this form.
    { value: cursorOf(`0000-01-01T00:00:00.000Z|${uuid}`), valid: 'edge' },
    { value: cursorOf(`-000001-01-01T00:00:00.000Z|${uuid}`), valid: 'edge' },
    { value: cursorOf(`+275760-09-13T00:00:00.000Z|${uuid}`), valid: 'edge' },
    { value: cursorOf(`+010000-01-01T00:00:00.000Z|${uuid}`), valid: 'edge' },
    { value: cursorOf(`-271821-04-20T00:00:00.000Z|${uuid}`), valid: 'edge' },
  ];
}

export const FIRST_VALUES: readonly DateSample[] = [
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

// ---------------------------------------------------------------------------------------------
// GraphQL documents
// ---------------------------------------------------------------------------------------------

/** A JavaScript value as a GraphQL input literal (`enumKeys` print as bare enum values). */
export function literal(value: unknown, enumKeys: ReadonlySet<string> = new Set()): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return enumKeys.has(value) ? value : JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '0';
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map((item) => literal(item, enumKeys)).join(', ')}]`;
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([key, item]) => `${key}: ${literal(item, key === 'status' ? STATUS_KEYS : enumKeys)}`)
    .join(', ')}}`;
}

export const STATUS_KEYS: ReadonlySet<string> = new Set(['SCHEDULED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED']);

export const SESSION_FIELDS = 'id title candidateName status scheduledAt startedAt completedAt createdAt updatedAt';

// ---------------------------------------------------------------------------------------------
// Requests that need no knowledge of the data
// ---------------------------------------------------------------------------------------------

export interface FuzzRequest {
  method: string;
  /** Path and query string, appended to the server's base URL. */
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array | { chunks: Uint8Array[] };
}

export interface StatelessCase {
  label: string;
  request: FuzzRequest;
  /** The request is wrong: the response must carry errors and no successful data. */
  mustFail?: boolean;
  /** When set, the error codes must all be among these. */
  codes?: readonly string[];
  /** When set, `data` must equal this. */
  data?: unknown;
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const PREFLIGHT = { 'apollo-require-preflight': 'true' };
const READ_QUERIES = [
  '{ __typename }',
  `{ interviewSessions(first: 3) { totalCount nodes { ${SESSION_FIELDS} } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`,
  '{ interviewSessions(filter: { status: SCHEDULED }) { edges { cursor node { id status } } } }',
  '{ interviewSession(id: "00000000-0000-0000-0000-000000000000") { id } }',
  'query Named { __typename }',
];

const post = (body: FuzzRequest['body'], headers: Record<string, string> = JSON_HEADERS): FuzzRequest => ({
  method: 'POST',
  path: '/graphql',
  headers,
  body,
});

/** Truncated, mutated and binary bodies with a JSON content type. */
export function malformedBody(rng: Rng): StatelessCase {
  const valid = JSON.stringify({ query: rng.pick(READ_QUERIES), variables: { id: rng.uuidV4() } });
  return rng.weighted<() => StatelessCase>([
    [4, () => {
      const cut = rng.int(0, valid.length - 1);
      return { label: `truncated JSON (${cut} of ${valid.length} chars)`, request: post(valid.slice(0, cut)), mustFail: true };
    }],
    [3, () => {
      const chars = Array.from(valid);
      for (let i = rng.int(1, 4); i > 0; i--) chars[rng.int(0, chars.length - 1)] = rng.pick(['{', '}', '"', ':', ',', '\\', '\u0000', ' ', 'é', ']']);
      return { label: 'JSON with flipped characters', request: post(chars.join('')) };
    }],
    [3, () => ({ label: 'binary garbage', request: post(rng.bytes(rng.int(0, 4_000))) })],
    [1, () => ({ label: 'garbage after valid JSON', request: post(`${valid}${rng.pick(['x', '}', ',{}', '\u0000', ' []'])}`), mustFail: true })],
    [1, () => ({ label: 'BOM before JSON', request: post(`\uFEFF${valid}`) })],
    [1, () => ({ label: 'invalid UTF-8 inside a JSON string', request: post(Buffer.concat([Buffer.from('{"query":"{ __typename }","operationName":"'), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xed, 0xa0, 0x80]), Buffer.from('"}')])) })],
    [1, () => ({ label: 'empty body', request: post(''), mustFail: true })],
    [1, () => ({ label: 'whitespace body', request: post(' \n\t '), mustFail: true })],
  ])();
}

/** Well-formed JSON of the wrong shape: wrong types for query, variables, operationName, extensions. */
export function wrongJsonShape(rng: Rng): StatelessCase {
  const query = rng.pick(READ_QUERIES);
  const wrong = () => rng.pick([...WRONG_TYPES, null, '', 'null', '{"id":"x"}', rng.pick(SQL_STRINGS)]);
  return rng.weighted<() => StatelessCase>([
    [2, () => {
      const value = rng.pick(['null', '1', '-0', '1e999', '"x"', 'true', '[]', '{}', '[{"query":"{ __typename }"}]', '[1,2,3]', '[[]]']);
      return { label: `top-level JSON ${value}`, request: post(value), mustFail: true };
    }],
    [3, () => {
      const value = rng.pick(WRONG_TYPES.concat([null]));
      return { label: `query of type ${describeType(value)}`, request: post(JSON.stringify({ query: value })), mustFail: true };
    }],
    [3, () => {
      const value = wrong();
      return { label: `variables of type ${describeType(value)}`, request: post(JSON.stringify({ query: '{ __typename }', variables: value })) };
    }],
    [3, () => {
      const value = rng.pick([...WRONG_TYPES, '', 'Nope', rng.pick(SQL_STRINGS), 'x'.repeat(5_000)]);
      return { label: `operationName of type ${describeType(value)}`, request: post(JSON.stringify({ query: 'query A { __typename } query B { __typename }', operationName: value })) };
    }],
    [2, () => {
      const value = rng.pick<unknown>([...WRONG_TYPES, 'x', { persistedQuery: { version: 1, sha256Hash: 'abc' } }, { persistedQuery: { version: 2, sha256Hash: rng.hex(64) } }, { persistedQuery: 'x' }]);
      return { label: `extensions of type ${describeType(value)}`, request: post(JSON.stringify({ query, extensions: value })) };
    }],
    [1, () => ({ label: 'no query, only extensions', request: post(JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: rng.hex(64) } } })), mustFail: true })],
    [1, () => ({ label: 'prototype pollution keys', request: post(rng.pick([`{"query":"{ __typename }","__proto__":{"admin":true}}`, `{"query":"{ __typename }","constructor":{"prototype":{"admin":true}}}`, `{"query":"{ __typename }","variables":{"__proto__":{"x":1}}}`])) })],
    [1, () => ({ label: 'duplicate keys', request: post(`{"query":"{ nope }","query":"{ __typename }","variables":{},"variables":null}`) })],
    [1, () => {
      const depth = rng.pick([1_000, 20_000, 50_000]);
      const nested = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      const where = rng.pick(['variables', 'extensions', 'query', 'operationName']);
      const body = where === 'query' ? `{"query":${nested}}` : `{"query":"{ __typename }","${where}":${where === 'operationName' ? nested : `{"x":${nested}}`}}`;
      return { label: `JSON nested ${depth} deep in ${where}`, request: post(body) };
    }],
    [1, () => ({ label: 'many variables', request: post(JSON.stringify({ query: '{ __typename }', variables: Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`v${i}`, i])) })) })],
  ])();
}

const CONTENT_TYPES = [
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/graphql',
  'application/graphql-response+json',
  'application/xml',
  'application/jsonp',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  'application/json;;;',
  'application/json, text/plain',
  '*/*',
  'json',
  '',
  ' ',
  'application/json\u00e9',
];

export function wrongContentType(rng: Rng): StatelessCase {
  const query = rng.pick(READ_QUERIES);
  const contentType = rng.pick([...CONTENT_TYPES, undefined]);
  const body = rng.weighted<() => string | Uint8Array>([
    [3, () => JSON.stringify({ query })],
    [1, () => query],
    [1, () => `query=${encodeURIComponent(query)}`],
    [1, () => `--xyz\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${JSON.stringify({ query })}\r\n--xyz--\r\n`],
    [1, () => rng.bytes(rng.int(0, 500))],
  ])();
  const headers: Record<string, string> = contentType === undefined ? {} : { 'content-type': contentType };
  if (rng.chance(0.3)) Object.assign(headers, PREFLIGHT);
  // A string body would make fetch add text/plain; bytes go without a content type.
  const sent = contentType === undefined && typeof body === 'string' ? new TextEncoder().encode(body) : body;
  return { label: `POST with content-type ${JSON.stringify(contentType ?? null)}`, request: post(sent, headers) };
}

/** GET with odd query strings, odd methods and odd paths. */
export function oddGet(rng: Rng): StatelessCase {
  // URLs carry UTF-8: a lone surrogate cannot be percent-encoded, so it goes as U+FFFD.
  const enc = (text: string) => encodeURIComponent(storedText(text));
  const headers: Record<string, string> = rng.chance(0.8) ? { ...PREFLIGHT } : {};
  if (rng.chance(0.2)) headers['content-type'] = rng.pick(['application/json', 'text/plain']);
  // No text/html: in development that is Apollo's landing page, an HTML page by design.
  if (rng.chance(0.1)) headers.accept = rng.pick(['text/plain', 'application/xml', 'application/graphql-response+json', '*/*', 'application/json;q=0']);
  const get = (query: string): FuzzRequest => ({ method: 'GET', path: `/graphql${query}`, headers });
  return rng.weighted<() => StatelessCase>([
    [4, () => {
      const query = rng.pick(READ_QUERIES);
      return { label: 'GET of a valid query', request: get(`?query=${enc(query)}`) };
    }],
    [4, () => {
      const raw = rng.pick([
        '',
        '?',
        '?query',
        '?query=',
        '?query=%7B',
        '?query=%',
        '?query=%E0%A4%A',
        '?query=%00',
        '?query=%7B__typename%7D&query=%7B__typename%7D',
        '?query[]=%7B__typename%7D',
        '?query[a]=b',
        '?variables=%7B%7D',
        '?query=%7B__typename%7D&variables=notjson',
        '?query=%7B__typename%7D&variables=%5B%5D',
        '?query=%7B__typename%7D&variables=null',
        '?query=%7B__typename%7D&variables=%22x%22',
        '?query=%7B__typename%7D&extensions=%7B',
        '?query=%7B__typename%7D&extensions=%7B%22persistedQuery%22%3A1%7D',
        '?query=%7B__typename%7D&operationName=',
        '?query=%7B__typename%7D&operationName=Nope',
        '?&&&=&=&',
        '?=%7B__typename%7D',
        '?query=%7B__typename%7D#fragment',
        `?query=${enc('mutation { deleteInterviewSession(id: "00000000-0000-0000-0000-000000000000") }')}`,
        `?query=${enc('mutation { createInterviewSession(input: { title: "x", candidateName: "y" }) { id } }')}`,
        `?query=${enc('subscription { x }')}`,
        `?query=${enc("{ interviewSession(id: \"'; drop table interview_session; --\") { id } }")}`,
        `?query=${enc('{ interviewSession(id: $id) { id } }')}&variables=${enc(JSON.stringify({ id: "1' or '1'='1" }))}`,
        `?query=${enc('query ($id: ID!) { interviewSession(id: $id) { id } }')}&variables=${enc(JSON.stringify({ id: rng.pick(SQL_STRINGS) }))}`,
        `?query=${enc('{ __typename }')}&${rng.hex(8)}=${enc(rng.pick(UNICODE_STRINGS))}`,
        `?query=${enc(rng.pick(UNICODE_STRINGS))}`,
        `?query=${'%7B'.repeat(3_000)}`,
      ]);
      return { label: `GET ${raw.slice(0, 60)}`, request: get(raw) };
    }],
    [1, () => {
      // Close to and above node's 16 KiB header limit.
      const length = rng.pick([8_000, 15_000, 17_000, 40_000]);
      return { label: `GET with a ${length}-character query string`, request: get(`?query=${enc('{ __typename }')}&pad=${'x'.repeat(length)}`) };
    }],
    [1, () => {
      const path = rng.pick(['/graphql/', '/graphql//', '/GRAPHQL', '/graphql%', '/graphql%zz', '/graph%E0%A4%Aql', '/graphql/..%2f', '/graphql;x', '/%2e%2e/graphql', '/graphql%00']);
      return { label: `GET ${path}`, request: { method: 'GET', path: `${path}?query=${enc('{ __typename }')}`, headers } };
    }],
    [1, () => {
      const method = rng.pick(['PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND', 'SEARCH']);
      const body = method === 'OPTIONS' ? undefined : JSON.stringify({ query: '{ __typename }' });
      return { label: `${method} /graphql`, request: { method, path: '/graphql', headers: { ...JSON_HEADERS }, body } };
    }],
  ])();
}

/** Bodies just below, at and above the body limit, plus a few far above and one streamed without a length. */
export function sizedBody(rng: Rng, bodyLimit: number): StatelessCase {
  const size = rng.pick([bodyLimit - 64, bodyLimit - 1, bodyLimit, bodyLimit + 1, bodyLimit + 4_096, 2 * bodyLimit, 1_048_576]);
  const skeleton = JSON.stringify({ query: '{ __typename }', variables: { pad: '' } });
  const pad = 'p'.repeat(Math.max(0, size - Buffer.byteLength(skeleton)));
  const body = JSON.stringify({ query: '{ __typename }', variables: { pad } });
  if (rng.chance(0.2) && size > bodyLimit) {
    const bytes = Buffer.from(body);
    const chunks: Uint8Array[] = [];
    for (let offset = 0; offset < bytes.length; offset += 16_384) chunks.push(bytes.subarray(offset, offset + 16_384));
    return { label: `chunked body of ${bytes.length} bytes (no content-length)`, request: post({ chunks }), codes: ['REQUEST_TOO_LARGE'], mustFail: true };
  }
  const bytes = Buffer.byteLength(body);
  return bytes <= bodyLimit
    ? { label: `body of ${bytes} bytes (limit ${bodyLimit})`, request: post(body), data: { __typename: 'Query' } }
    : { label: `body of ${bytes} bytes (limit ${bodyLimit})`, request: post(body), codes: ['REQUEST_TOO_LARGE'], mustFail: true };
}

/** Deep nesting, fragment chains and cycles, many aliases, token and error bombs. */
export function abusiveDocument(rng: Rng): StatelessCase {
  const document = rng.weighted<() => [string, string]>([
    [2, () => {
      const depth = rng.pick([10, 26, 100, 1_000, 2_400]);
      return [`unknown fields nested ${depth} deep`, `${'{ a '.repeat(depth)}${'}'.repeat(depth)}`];
    }],
    [2, () => {
      const depth = rng.pick([5, 24, 25, 26, 60, 900]);
      return [`inline fragments nested ${depth} deep`, `{ ${'... on Query { '.repeat(depth)}__typename ${'} '.repeat(depth)}}`];
    }],
    [2, () => {
      const depth = rng.pick([3, 20, 30, 300]);
      const fragments = Array.from({ length: depth }, (_, i) => (i === depth - 1 ? `fragment F${i} on Query { __typename }` : `fragment F${i} on Query { ...F${i + 1} }`));
      return [`fragment chain of ${depth}`, `{ ...F0 } ${fragments.join(' ')}`];
    }],
    [1, () => ['fragment cycle', '{ ...A } fragment A on Query { ...B } fragment B on Query { ...A __typename }']],
    [1, () => ['self-referencing fragment', '{ ...A } fragment A on Query { ...A }']],
    [1, () => ['fragment cycle through a list', 'query { interviewSessions { nodes { ...S } } } fragment S on InterviewSession { id ...T } fragment T on InterviewSession { ...S }']],
    [2, () => {
      const count = rng.pick([29, 30, 31, 100, 1_000]);
      const id = rng.uuidV4();
      return [`${count} aliases of interviewSession`, `{ ${Array.from({ length: count }, (_, i) => `a${i}: interviewSession(id: "${id}") { id }`).join(' ')} }`];
    }],
    [1, () => {
      const count = rng.pick([50, 1_000, 1_600]);
      return [`${count} aliases of __typename`, `{ ${Array.from({ length: count }, (_, i) => `t${i}: __typename`).join(' ')} }`];
    }],
    [2, () => {
      const count = rng.pick([2, 5, 20, 31]);
      return [`${count} aliased pages of 100`, `{ ${Array.from({ length: count }, (_, i) => `p${i}: interviewSessions(first: 100) { totalCount nodes { ${SESSION_FIELDS} } edges { cursor node { ${SESSION_FIELDS} } } }`).join(' ')} }`];
    }],
    [1, () => ['token bomb', `{ ${'__typename '.repeat(rng.pick([4_990, 6_000, 30_000]))}}`]],
    [1, () => ['unknown field bomb', `{ ${Array.from({ length: 1_500 }, (_, i) => `f${i}`).join(' ')} }`]],
    [1, () => ['directive bomb', `{ __typename ${'@skip(if: false) '.repeat(800)}}`]],
    [1, () => ['nested list literal', `{ interviewSession(id: ${'['.repeat(2_000)}"x"${']'.repeat(2_000)}) { id } }`]],
    [1, () => ['nested object literal', `{ interviewSessions(filter: ${'{ status: '.repeat(1_500)}SCHEDULED${' }'.repeat(1_500)}) { totalCount } }`]],
    [1, () => ['huge string literal', `{ interviewSession(id: "${'x'.repeat(90_000)}") { id } }`]],
    [1, () => ['huge block string', `{ interviewSession(id: """${"'; drop table interview_session; --\n".repeat(2_000)}""") { id } }`]],
    [1, () => ['long names', `query ${'Q'.repeat(20_000)}($${'v'.repeat(20_000)}: ID) { __typename }`]],
    [1, () => ['many variable definitions', `query (${Array.from({ length: 1_500 }, (_, i) => `$v${i}: ID`).join(' ')}) { __typename }`]],
    [1, () => ['two anonymous operations', '{ __typename } { __typename }']],
    [1, () => ['subscription', 'subscription { interviewSessions { totalCount } }']],
    [1, () => ['defer and stream', '{ ... @defer { __typename } interviewSessions { nodes @stream { id } } }']],
    [1, () => ['unknown directive', '{ __typename @sql(query: "drop table interview_session") }']],
    [1, () => ['schema definition', 'type Query { x: Int } schema { query: Query }']],
    [1, () => ['introspection', '{ __schema { types { name kind fields { name args { name type { name kind ofType { name kind ofType { name kind ofType { name } } } } } } } } }']],
    [1, () => ['comment and BOM noise', `\uFEFF# ${rng.pick(SQL_STRINGS)}\n{ __typename # ${rng.pick(UNICODE_STRINGS)}\n }`]],
    [1, () => ['random GraphQL punctuation', rng.text(rng.int(1, 300), '{}()[]!$@.:=|&"\\ \n\tabcxyz0123456789#')]],
  ])();
  return { label: document[0], request: post(JSON.stringify({ query: document[1] })) };
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string') return value.length > 24 ? `string(${value.length})` : JSON.stringify(value);
  if (typeof value === 'object') return 'object';
  return `${typeof value} ${String(value)}`;
}
