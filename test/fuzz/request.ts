import { excerpt } from './descriptions';
import type { Rng } from './rng';

/** An HTTP request as the fuzzer sends it. */
export interface FuzzRequest {
  method: string;
  /** Path and query string, appended to the server's base URL. */
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array | { chunks: Uint8Array[] };
}

export const JSON_HEADERS = { 'content-type': 'application/json' };
/** What Apollo's CSRF prevention asks of a GET (or of any request without a JSON content type). */
export const PREFLIGHT = { 'apollo-require-preflight': 'true' };

/** A POST to /graphql, with a JSON content type unless other headers are given. */
export function post(body: FuzzRequest['body'], headers: Record<string, string> = JSON_HEADERS): FuzzRequest {
  return { method: 'POST', path: '/graphql', headers, body };
}

/**
 * A GraphQL request as a client would send it, now and then with an odd x-request-id or Accept
 * header; a read-only one sometimes goes as a GET.
 */
export function graphqlRequest(rng: Rng, query: string, variables?: Record<string, unknown>, readOnly = false): FuzzRequest {
  const headers: Record<string, string> = { ...JSON_HEADERS };
  if (rng.chance(0.1))
    headers['x-request-id'] = rng.pick([
      'fuzz-1.2:3',
      'a'.repeat(129),
      "'; drop table interview_session; --",
      '<script>',
      'a b',
      '../x',
      `id-${rng.hex(8)}`,
    ]);
  if (rng.chance(0.05))
    headers.accept = rng.pick([
      'application/graphql-response+json',
      'application/json;q=0.1, */*',
      '*/*',
      'application/json',
      'text/plain, application/json;q=0.5',
    ]);
  const body = JSON.stringify(variables === undefined ? { query } : { query, variables });
  if (readOnly && rng.chance(0.25)) {
    const search = new URLSearchParams({ query });
    if (variables !== undefined) search.set('variables', JSON.stringify(variables));
    const path = `/graphql?${search.toString()}`;
    if (path.length < 8_000) {
      delete headers['content-type'];
      headers['apollo-require-preflight'] = 'true';
      return { method: 'GET', path, headers };
    }
  }
  return { method: 'POST', path: '/graphql', headers, body };
}

/** The request in one line, for a failure report. */
export function describeRequest(request: FuzzRequest): string {
  const body = request.body;
  let shown = '';
  if (typeof body === 'string') shown = excerpt(body, 300);
  else if (body instanceof Uint8Array) shown = `<${body.length} bytes>`;
  else if (body) shown = `<chunked, ${body.chunks.reduce((sum, chunk) => sum + chunk.length, 0)} bytes>`;
  const type = request.headers['content-type'];
  return `${request.method} ${excerpt(request.path, 200)}${type === undefined ? ' (no content-type)' : ` [${type}]`} ${shown}`;
}
