import { isDeepStrictEqual } from 'node:util';
import { codesOf, type Case, type GraphQLBody, type GraphQLError } from './case';
import { excerpt } from './descriptions';
import type { FuzzRequest } from './request';
import type { Reply } from './send';

/**
 * The contract every answer keeps, whatever was sent: an HTTP answer, never a 5xx, a JSON body
 * with data or errors, every error with a message and a code, no INTERNAL_SERVER_ERROR, no leak
 * of stack traces, SQL or connection details, a usable x-request-id echoed. Then what the case
 * itself expects.
 */

/** Leaks are matched only when the request did not itself contain the same text (an echo is no leak). */
const LEAKS: readonly { what: string; pattern: RegExp }[] = [
  { what: 'a stack trace', pattern: /\bat\s+\S[^"]*\.(?:ts|js|mjs|cjs):\d+/ },
  { what: 'a stack trace', pattern: /"stack(?:trace)?"/i },
  { what: 'SQL text', pattern: /\bselect\s/i },
  { what: 'SQL text', pattern: /\binsert\s/i },
  { what: 'SQL text', pattern: /\bupdate\s+"?interview_session/i },
  { what: 'SQL text', pattern: /\bdelete\s+from\b/i },
  {
    what: 'a PostgreSQL error',
    pattern: /violates|check constraint|syntax error at or near|invalid input syntax for|out of range: "|relation "/i,
  },
  { what: 'connection details', pattern: /postgres(?:ql)?:\/\//i },
  { what: 'connection details', pattern: /127\.0\.0\.1:5432|localhost:5432|:5432\b/ },
  { what: 'driver internals', pattern: /node_modules|DriverException|MikroORM|knex|node-postgres/i },
];

const USABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Everything the request carried, as text: what the server merely echoes is no leak. */
function requestText(request: FuzzRequest): string {
  let path = request.path.replace(/\+/g, ' ');
  try {
    path = decodeURIComponent(path);
  } catch {
    // keep it raw
  }
  const body = request.body;
  let text = '';
  if (typeof body === 'string') text = body;
  else if (body instanceof Uint8Array) text = Buffer.from(body).toString('utf8');
  else if (body) text = Buffer.concat(body.chunks).toString('utf8');
  return `${path}\n${text}\n${Object.values(request.headers).join('\n')}`;
}

/** One thing wrong with an answer: what kind of thing (failures are grouped by it), and the particulars. */
export interface Problem {
  category: string;
  detail: string;
}

/** Everything the contract says about any response, then what the case itself expects. */
export async function judge(fuzzCase: Case, reply: Reply): Promise<Problem[]> {
  const problems: Problem[] = [];
  const fail = (category: string, detail = '') => problems.push({ category, detail });

  if (reply.transport !== undefined) {
    fail('no HTTP response', reply.transport);
    return problems;
  }
  const status = reply.status!;
  const text = reply.text ?? '';
  if (status >= 500) fail(`HTTP ${status}`);

  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    fail('body is not JSON', `HTTP ${status}, content-type ${reply.contentType}`);
    return problems;
  }
  // `data` holds what clients stored (titles may well read like SQL); leaks hide in everything else.
  const isObject = body !== null && typeof body === 'object' && !Array.isArray(body);
  const searched = isObject ? JSON.stringify({ ...(body as object), data: undefined }) : text;
  const sent = requestText(fuzzCase.request);
  for (const { what, pattern } of LEAKS) {
    if (pattern.test(searched) && !pattern.test(sent)) fail(`response contains ${what}`, String(searched.match(pattern)?.[0]));
  }
  if (!isObject) {
    fail('body is not a GraphQL response object', `HTTP ${status}`);
    return problems;
  }
  const response = body as GraphQLBody & Record<string, unknown>;
  const hasErrors = 'errors' in response;
  if (hasErrors && (!Array.isArray(response.errors) || response.errors.length === 0)) fail('errors is not a non-empty array');
  if (!('data' in response) && !hasErrors) {
    fail('neither data nor errors', `HTTP ${status}, keys ${Object.keys(response).join(',')}`);
    return problems;
  }
  const errors = Array.isArray(response.errors) ? response.errors : [];
  // Untrusted JSON: an element of `errors` may be null as well as an object of the wrong shape.
  for (const error of errors as (GraphQLError | null)[]) {
    if (typeof error?.message !== 'string') fail('an error without a string message');
    if (typeof error?.extensions?.code !== 'string') fail('an error without a string extensions.code', excerpt(JSON.stringify(error), 160));
  }
  const codes = codesOf(response);
  const internal = errors.find((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR');
  if (internal) fail('INTERNAL_SERVER_ERROR for a client request', `HTTP ${status}, path ${JSON.stringify(internal.path ?? null)}`);
  if (codes.includes('DATABASE_UNAVAILABLE')) fail('DATABASE_UNAVAILABLE while the database is up');
  if (errors.length === 0 && status !== 200) fail(`HTTP ${status} without errors`);

  if (reply.requestId) {
    const given = fuzzCase.request.headers['x-request-id'];
    if (!USABLE_REQUEST_ID.test(reply.requestId)) fail('unsafe x-request-id echoed', reply.requestId);
    else if (given !== undefined && USABLE_REQUEST_ID.test(given) && reply.requestId !== given) fail('usable x-request-id not echoed');
  }

  if (fuzzCase.mustFail && errors.length === 0) fail('a wrong request succeeded', excerpt(text, 200));
  // (INTERNAL_SERVER_ERROR is reported above already.)
  if (fuzzCase.codes && errors.length > 0 && !codes.every((code) => fuzzCase.codes!.includes(code) || code === 'INTERNAL_SERVER_ERROR')) {
    fail('unexpected error code', `got ${codes.join(',')}, expected one of ${fuzzCase.codes.join(',')}`);
  }
  if (fuzzCase.data !== undefined && !isDeepStrictEqual(response.data, fuzzCase.data))
    fail('unexpected data', excerpt(JSON.stringify(response.data), 200));
  if (fuzzCase.verify) {
    try {
      for (const problem of await fuzzCase.verify(response)) fail('answer disagrees with the model', problem);
    } catch (error) {
      fail('answer disagrees with the model', `verify threw: ${(error as Error).message}`);
    }
  }
  return problems;
}
