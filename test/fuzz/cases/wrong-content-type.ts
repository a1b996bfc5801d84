import type { Case, CaseContext } from '../case';
import { READ_QUERIES } from '../documents';
import { post, PREFLIGHT } from '../request';

/** Content types other than JSON, JSON in odd spellings, and none. */
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

/** A POST of a query whose content type is not plain JSON: it must be refused or read correctly, never crash. */
export function wrongContentTypeCase({ rng }: CaseContext): Case {
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
  const label = `POST with content-type ${JSON.stringify(contentType ?? null)}`;
  // Fastify would read text/plain as a string for Apollo; this server reads JSON only.
  if (contentType?.startsWith('text/plain'))
    return { label, request: post(sent, headers), mustFail: true, codes: ['UNSUPPORTED_MEDIA_TYPE'] };
  return { label, request: post(sent, headers) };
}
