import type { Case, CaseContext } from '../case';
import { READ_QUERIES } from '../documents';
import { JSON_HEADERS, PREFLIGHT, type FuzzRequest } from '../request';
import { SQL_STRINGS, wellFormed, UNICODE_STRINGS } from '../values/strings';

/** GET with odd query strings, odd methods and odd paths. */
export function oddGetCase({ rng }: CaseContext): Case {
  // URLs carry UTF-8: a lone surrogate cannot be percent-encoded, so it goes as U+FFFD.
  const enc = (text: string) => encodeURIComponent(wellFormed(text));
  const headers: Record<string, string> = rng.chance(0.8) ? { ...PREFLIGHT } : {};
  if (rng.chance(0.2)) headers['content-type'] = rng.pick(['application/json', 'text/plain']);
  // No text/html: in development that is Apollo's landing page, an HTML page by design.
  if (rng.chance(0.1))
    headers.accept = rng.pick(['text/plain', 'application/xml', 'application/graphql-response+json', '*/*', 'application/json;q=0']);
  const get = (query: string): FuzzRequest => ({ method: 'GET', path: `/graphql${query}`, headers });
  return rng.weighted<() => Case>([
    [
      4,
      () => {
        const query = rng.pick(READ_QUERIES);
        return { label: 'GET of a valid query', request: get(`?query=${enc(query)}`) };
      },
    ],
    [
      4,
      () => {
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
          `?query=${enc('{ interviewSession(id: "\'; drop table interview_session; --") { id } }')}`,
          `?query=${enc('{ interviewSession(id: $id) { id } }')}&variables=${enc(JSON.stringify({ id: "1' or '1'='1" }))}`,
          `?query=${enc('query ($id: ID!) { interviewSession(id: $id) { id } }')}&variables=${enc(JSON.stringify({ id: rng.pick(SQL_STRINGS) }))}`,
          `?query=${enc('{ __typename }')}&${rng.hex(8)}=${enc(rng.pick(UNICODE_STRINGS))}`,
          `?query=${enc(rng.pick(UNICODE_STRINGS))}`,
          `?query=${'%7B'.repeat(3_000)}`,
        ]);
        return { label: `GET ${raw.slice(0, 60)}`, request: get(raw) };
      },
    ],
    [
      1,
      () => {
        // Close to and above node's 16 KiB header limit.
        const length = rng.pick([8_000, 15_000, 17_000, 40_000]);
        return {
          label: `GET with a ${length}-character query string`,
          request: get(`?query=${enc('{ __typename }')}&pad=${'x'.repeat(length)}`),
        };
      },
    ],
    [
      1,
      () => {
        const path = rng.pick([
          '/graphql/',
          '/graphql//',
          '/GRAPHQL',
          '/graphql%',
          '/graphql%zz',
          '/graph%E0%A4%Aql',
          '/graphql/..%2f',
          '/graphql;x',
          '/%2e%2e/graphql',
          '/graphql%00',
        ]);
        return { label: `GET ${path}`, request: { method: 'GET', path: `${path}?query=${enc('{ __typename }')}`, headers } };
      },
    ],
    [
      1,
      () => {
        const method = rng.pick(['PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND', 'SEARCH']);
        const body = method === 'OPTIONS' ? undefined : JSON.stringify({ query: '{ __typename }' });
        return { label: `${method} /graphql`, request: { method, path: '/graphql', headers: { ...JSON_HEADERS }, body } };
      },
    ],
  ])();
}
