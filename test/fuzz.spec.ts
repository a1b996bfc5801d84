/**
 * A bounded, deterministic fuzz test over real HTTP: a few thousand requests from a seeded PRNG
 * (FUZZ_SEED overrides the seed, FUZZ_CASES the count), mixing malformed bodies, wrong content
 * types, odd GET query strings, bodies around the size limit, abusive documents and hostile
 * values in every argument of every operation with valid mutations whose effect is tracked in a
 * model. Every response must be JSON in the GraphQL error contract, never a 5xx, never an
 * unexpected INTERNAL_SERVER_ERROR, never a stack trace, SQL or connection detail; at the end the
 * server must still answer and the table must hold exactly the rows the model expects.
 *
 * Failures are collected and reported together, each with the seed and the case index.
 */
import { isDeepStrictEqual } from 'node:util';
import {
  absentIds,
  abusiveDocument,
  boundaryStrings,
  DATES,
  describeType,
  FIRST_VALUES,
  hasLoneSurrogate,
  hostileCursors,
  hostileString,
  idClass,
  invalidIds,
  isSessionText,
  literal,
  malformedBody,
  oddGet,
  Rng,
  SESSION_FIELDS,
  sizedBody,
  SQL_STRINGS,
  STATUS_KEYS,
  storedText,
  UNICODE_STRINGS,
  WRONG_TYPES,
  wrongContentType,
  wrongJsonShape,
  type DateSample,
  type FuzzRequest,
  type StatelessCase,
} from './support/fuzz-cases';
import { startTestApp, type TestApp } from './support/test-app';

const SEED = Number(process.env.FUZZ_SEED ?? 20261126);
const CASES = Number(process.env.FUZZ_CASES ?? 3000);
const CONCURRENCY = 8;
const REQUEST_TIMEOUT_MS = 15_000;
/** Rounds (of CONCURRENCY cases) between two quiet consistency checks of counts against the model. */
const CHECKPOINT_EVERY = 60;
/** Examples shown per group of failures (FUZZ_EXAMPLES overrides). */
const EXAMPLES = Number(process.env.FUZZ_EXAMPLES ?? 3);

// ---------------------------------------------------------------------------------------------
// The model: the rows valid mutations created, and their status
// ---------------------------------------------------------------------------------------------

type Status = 'scheduled' | 'in_progress' | 'completed' | 'cancelled';
const GRAPHQL_STATUS: Record<Status, string> = {
  scheduled: 'SCHEDULED',
  in_progress: 'IN_PROGRESS',
  completed: 'COMPLETED',
  cancelled: 'CANCELLED',
};
type Action = 'start' | 'complete' | 'cancel';
const TRANSITIONS: Record<Action, { from: Status[]; to: Status; mutation: string }> = {
  start: { from: ['scheduled'], to: 'in_progress', mutation: 'startInterviewSession' },
  complete: { from: ['in_progress'], to: 'completed', mutation: 'completeInterviewSession' },
  cancel: { from: ['scheduled', 'in_progress'], to: 'cancelled', mutation: 'cancelInterviewSession' },
};

interface Row {
  status: Status;
  title: string;
  candidateName: string;
}

const model = new Map<string, Row>();
const deletedIds: string[] = [];
/** Cursors the server issued, to be sent back later. */
const issuedCursors: string[] = [];

// ---------------------------------------------------------------------------------------------
// Cases, replies and the oracle
// ---------------------------------------------------------------------------------------------

interface GraphQLError {
  message?: unknown;
  extensions?: { code?: unknown; [key: string]: unknown };
}
interface Body {
  data?: Record<string, any> | null;
  errors?: GraphQLError[];
}

interface Case extends StatelessCase {
  /** Model ids this case reads or changes; no two cases in flight share one. */
  ids?: string[];
  /** Checks the answer against the model, updates the model, and returns what was wrong. */
  verify?: (body: Body) => string[] | Promise<string[]>;
}

interface Reply {
  status?: number;
  contentType?: string | null;
  requestId?: string | null;
  text?: string;
  transport?: string;
  ms: number;
}

interface Failure {
  seed: number;
  index: number;
  category: string;
  detail: string;
  label: string;
  request: string;
  response: string;
}

/** Codes that say "your request is wrong": the only acceptable ones for a wrong request. */
const CLIENT_CODES = [
  'BAD_USER_INPUT',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'BAD_REQUEST',
  'QUERY_TOO_DEEP',
  'TOO_MANY_ALIASES',
  'QUERY_TOO_COMPLEX',
  'QUERY_TOO_LARGE',
  'REQUEST_TOO_LARGE',
];

/** Leaks are matched only when the request did not itself contain the same text (an echo is no leak). */
const LEAKS: ReadonlyArray<{ what: string; pattern: RegExp }> = [
  { what: 'a stack trace', pattern: /\bat\s+\S[^"]*\.(?:ts|js|mjs|cjs):\d+/ },
  { what: 'a stack trace', pattern: /"stack(?:trace)?"/i },
  { what: 'SQL text', pattern: /\bselect\s/i },
  { what: 'SQL text', pattern: /\binsert\s/i },
  { what: 'SQL text', pattern: /\bupdate\s+"?interview_session/i },
  { what: 'SQL text', pattern: /\bdelete\s+from\b/i },
  { what: 'a PostgreSQL error', pattern: /violates|check constraint|syntax error at or near|invalid input syntax for|out of range: "|relation "/i },
  { what: 'connection details', pattern: /postgres(?:ql)?:\/\//i },
  { what: 'connection details', pattern: /127\.0\.0\.1:5432|localhost:5432|:5432\b/ },
  { what: 'driver internals', pattern: /node_modules|DriverException|MikroORM|knex|node-postgres/i },
];

const USABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function codesOf(body: Body): string[] {
  return (body.errors ?? []).map((error) => String(error.extensions?.code));
}

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

function excerpt(text: string, max = 400): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}

function describeRequest(request: FuzzRequest): string {
  const body = request.body;
  let shown = '';
  if (typeof body === 'string') shown = excerpt(body, 300);
  else if (body instanceof Uint8Array) shown = `<${body.length} bytes>`;
  else if (body) shown = `<chunked, ${body.chunks.reduce((sum, chunk) => sum + chunk.length, 0)} bytes>`;
  const type = request.headers['content-type'];
  return `${request.method} ${excerpt(request.path, 200)}${type === undefined ? ' (no content-type)' : ` [${type}]`} ${shown}`;
}

/** Everything the contract says about any response, then what the case itself expects. */
async function judge(fuzzCase: Case, reply: Reply): Promise<Array<{ category: string; detail: string }>> {
  const problems: Array<{ category: string; detail: string }> = [];
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
  const response = body as Body & Record<string, unknown>;
  const hasErrors = 'errors' in response;
  if (hasErrors && (!Array.isArray(response.errors) || response.errors.length === 0)) fail('errors is not a non-empty array');
  if (!('data' in response) && !hasErrors) {
    fail('neither data nor errors', `HTTP ${status}, keys ${Object.keys(response).join(',')}`);
    return problems;
  }
  const errors = Array.isArray(response.errors) ? response.errors : [];
  for (const error of errors) {
    if (typeof error?.message !== 'string') fail('an error without a string message');
    if (typeof error?.extensions?.code !== 'string') fail('an error without a string extensions.code', excerpt(JSON.stringify(error), 160));
  }
  const codes = codesOf(response);
  const internal = errors.find((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR') as (GraphQLError & { path?: unknown }) | undefined;
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
  if (fuzzCase.data !== undefined && !isDeepStrictEqual(response.data, fuzzCase.data)) fail('unexpected data', excerpt(JSON.stringify(response.data), 200));
  if (fuzzCase.verify) {
    try {
      for (const problem of await fuzzCase.verify(response)) fail('answer disagrees with the model', problem);
    } catch (error) {
      fail('answer disagrees with the model', `verify threw: ${(error as Error).message}`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// GraphQL requests
// ---------------------------------------------------------------------------------------------

const JSON_HEADERS = { 'content-type': 'application/json' };

function graphqlRequest(rng: Rng, query: string, variables?: Record<string, unknown>, readOnly = false): FuzzRequest {
  const headers: Record<string, string> = { ...JSON_HEADERS };
  if (rng.chance(0.1)) headers['x-request-id'] = rng.pick(['fuzz-1.2:3', 'a'.repeat(129), "'; drop table interview_session; --", '<script>', 'a b', '../x', `id-${rng.hex(8)}`]);
  if (rng.chance(0.05)) headers.accept = rng.pick(['application/graphql-response+json', 'application/json;q=0.1, */*', '*/*', 'application/json', 'text/plain, application/json;q=0.5']);
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

type Delivery = 'vars' | 'inline' | 'fieldVar' | 'wrongDecl' | 'undeclared' | 'missing';

interface ArgSpec {
  type: string;
  value: unknown;
  /** Leave the argument out of the document entirely. */
  omit?: boolean;
}

/**
 * One operation with its arguments: the hostile one delivered as `delivery` says, the others as
 * variables or literals at random. Returns the document and the variables.
 */
function operation(
  rng: Rng,
  kind: 'query' | 'mutation',
  field: string,
  args: Record<string, ArgSpec>,
  selection: string,
  target?: { arg: string; field?: string; delivery: Delivery },
): { query: string; variables: Record<string, unknown> } {
  const declarations: string[] = [];
  const variables: Record<string, unknown> = {};
  const passed: string[] = [];
  for (const [name, spec] of Object.entries(args)) {
    if (spec.omit) continue;
    const isTarget = target?.arg === name;
    const mode: Delivery = isTarget ? target!.delivery : rng.chance(0.5) ? 'vars' : 'inline';
    const variable = `$${name}`;
    switch (mode) {
      case 'vars':
        declarations.push(`${variable}: ${spec.type}`);
        variables[name] = spec.value;
        passed.push(`${name}: ${variable}`);
        break;
      case 'inline':
        passed.push(`${name}: ${literal(spec.value, name === 'status' ? STATUS_KEYS : undefined)}`);
        break;
      case 'fieldVar': {
        const inner = target!.field!;
        const object = { ...(spec.value as Record<string, unknown>) };
        const value = object[inner];
        delete object[inner];
        const printed = literal(object);
        const fieldVariable = `$${inner}`;
        declarations.push(`${fieldVariable}: ${FIELD_TYPES[inner]}`);
        variables[inner] = value;
        passed.push(`${name}: ${printed === '{}' ? `{${inner}: ${fieldVariable}}` : `${printed.slice(0, -1)}, ${inner}: ${fieldVariable}}`}`);
        break;
      }
      case 'wrongDecl': {
        const base = spec.type.replace(/[!\[\]]/g, '');
        const wrong = rng.pick(['String', 'ID', 'Int', 'Boolean', 'Float', 'DateTimeISO', 'InterviewSessionStatus', 'UpdateInterviewSessionInput'].filter((type) => type !== base));
        declarations.push(`${variable}: ${rng.chance(0.5) ? `${wrong}!` : `[${wrong}]`}`);
        variables[name] = spec.value;
        passed.push(`${name}: ${variable}`);
        break;
      }
      case 'undeclared':
        variables[name] = spec.value;
        passed.push(`${name}: ${variable}`);
        break;
      case 'missing':
        declarations.push(`${variable}: ${spec.type}`);
        passed.push(`${name}: ${variable}`);
        break;
    }
  }
  const header = declarations.length > 0 ? `${kind} Fuzz(${declarations.join(', ')})` : kind === 'query' && rng.chance(0.5) ? '' : kind;
  const call = passed.length > 0 ? `${field}(${passed.join(', ')})` : field;
  return { query: `${header} { ${call}${selection ? ` { ${selection} }` : ''} }`.trim(), variables };
}

const FIELD_TYPES: Record<string, string> = {
  title: 'String!',
  candidateName: 'String!',
  scheduledAt: 'DateTimeISO',
  status: 'InterviewSessionStatus',
  createdAfter: 'DateTimeISO',
  createdBefore: 'DateTimeISO',
};

// ---------------------------------------------------------------------------------------------
// Values and their validity
// ---------------------------------------------------------------------------------------------

/** true: the API must accept it; false: it must reject it; 'edge': either, but not with an internal error. */
type Validity = boolean | 'edge';

const VALID_TEXTS: readonly string[] = [
  'System design',
  'Ada Lovelace',
  "'; drop table interview_session; --",
  "1' or '1'='1",
  '$$',
  'Robert\'); drop table interview_session;--',
  '🙂 Zoë',
  '田中太郎',
  'é'.repeat(200),
  '🙂'.repeat(200),
  'x'.repeat(200),
  '\u202Eevil',
  ' padded ',
  'a\\b',
  '\uD800 lone',
];

function and(...validities: Validity[]): Validity {
  if (validities.includes(false)) return false;
  return validities.includes('edge') ? 'edge' : true;
}

function textValidity(value: unknown, inline: boolean): Validity {
  if (inline && typeof value === 'string' && hasLoneSurrogate(value)) return false; // "\ud800" is not a GraphQL escape
  return isSessionText(value);
}

function dateSample(rng: Rng): DateSample {
  return rng.chance(0.85) ? rng.pick(DATES) : { value: hostileString(rng), valid: false };
}

// ---------------------------------------------------------------------------------------------
// Cases that know the model
// ---------------------------------------------------------------------------------------------

interface Round {
  busy: Set<string>;
}

/** A model id no other case of this round uses, marked as used. */
function claimId(rng: Rng, round: Round, filter: (row: Row) => boolean = () => true): string | undefined {
  const free = [...model.keys()].filter((id) => !round.busy.has(id) && filter(model.get(id)!));
  if (free.length === 0) return undefined;
  const id = rng.pick(free);
  round.busy.add(id);
  return id;
}

function rowSummary(row: unknown): string {
  return excerpt(JSON.stringify(row) ?? 'undefined', 200);
}

function createCase(rng: Rng): Case {
  const count = rng.chance(0.15) ? rng.int(2, 6) : 1;
  const inputs = Array.from({ length: count }, () => {
    const input: Record<string, unknown> = { title: rng.pick(VALID_TEXTS), candidateName: rng.pick(VALID_TEXTS) };
    const date = rng.pick(DATES.filter((sample) => sample.valid === true));
    if (rng.chance(0.6)) input.scheduledAt = rng.chance(0.2) ? null : date.value;
    return input;
  });
  const byVariables = rng.chance(0.6);
  const calls = inputs.map((input, i) => `c${i}: createInterviewSession(input: ${byVariables ? `$input${i}` : literal(input)}) { ${SESSION_FIELDS} }`);
  const declarations = inputs.map((_, i) => `$input${i}: CreateInterviewSessionInput!`).join(', ');
  const query = byVariables ? `mutation Create(${declarations}) { ${calls.join(' ')} }` : `mutation { ${calls.join(' ')} }`;
  const variables = byVariables ? Object.fromEntries(inputs.map((input, i) => [`input${i}`, input])) : undefined;
  // A literal cannot carry a lone surrogate: such a document must fail to parse.
  const parsable = byVariables || inputs.every((input) => !hasLoneSurrogate(String(input.title)) && !hasLoneSurrogate(String(input.candidateName)));
  return {
    label: `create ${count} valid session(s) via ${byVariables ? 'variables' : 'literals'}`,
    request: graphqlRequest(rng, query, variables),
    mustFail: !parsable,
    verify: (body) => {
      const problems: string[] = [];
      inputs.forEach((input, i) => {
        const created = body.data?.[`c${i}`];
        if (created?.id) {
          model.set(created.id, { status: 'scheduled', title: storedText(String(created.title)), candidateName: storedText(String(created.candidateName)) });
        }
        if (!parsable) return;
        if (!created) return void problems.push(`create c${i} of ${rowSummary(input)} failed: ${codesOf(body).join(',')}`);
        if (created.status !== 'SCHEDULED' || created.title !== input.title || created.candidateName !== input.candidateName) {
          problems.push(`create c${i} answered ${rowSummary(created)} for ${rowSummary(input)}`);
        }
        if (!/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(created.id)) problems.push(`create returned id ${created.id}`);
        const expectedAt = input.scheduledAt == null ? null : new Date(String(input.scheduledAt)).toISOString();
        if (created.scheduledAt !== expectedAt) problems.push(`create stored scheduledAt ${created.scheduledAt}, expected ${expectedAt}`);
      });
      return problems;
    },
  };
}

function statusCase(rng: Rng, round: Round): Case | undefined {
  const id = claimId(rng, round);
  if (!id) return undefined;
  const actions = rng.chance(0.2) ? [rng.pick<Action>(['start', 'complete', 'cancel']), rng.pick<Action>(['start', 'complete', 'cancel'])] : [rng.pick<Action>(['start', 'start', 'complete', 'complete', 'cancel'])];
  const sentId = rng.chance(0.2) ? id.toUpperCase() : id;
  const byVariable = rng.chance(0.5);
  const calls = actions.map((action, i) => `s${i}: ${TRANSITIONS[action].mutation}(id: ${byVariable ? '$id' : JSON.stringify(sentId)}) { id status startedAt completedAt }`);
  const query = byVariable ? `mutation Change($id: ID!) { ${calls.join(' ')} }` : `mutation { ${calls.join(' ')} }`;
  return {
    label: `${actions.join(' then ')} a session`,
    ids: [id],
    request: graphqlRequest(rng, query, byVariable ? { id: sentId } : undefined),
    verify: (body) => {
      if (!('data' in body)) return [`status change failed before execution: ${rowSummary(body)}`];
      const problems: string[] = [];
      // Mutations run one after the other; the first that fails (its field is non-null) ends the operation.
      for (const [i, action] of actions.entries()) {
        const row = model.get(id)!;
        const transition = TRANSITIONS[action];
        const answer = body.data?.[`s${i}`];
        const error = (body.errors ?? []).find((e) => isDeepStrictEqual((e as { path?: unknown }).path, [`s${i}`]));
        if (transition.from.includes(row.status)) {
          if (error) {
            problems.push(`${action} of a ${row.status} session failed: ${rowSummary(error)}`);
            break;
          }
          row.status = transition.to;
          if (body.data !== null && (answer?.status !== GRAPHQL_STATUS[transition.to] || answer?.id !== id)) {
            problems.push(`${action} answered ${rowSummary(answer)}`);
          }
        } else {
          const expected = { code: 'INVALID_STATUS_TRANSITION', status: GRAPHQL_STATUS[row.status] };
          if (!isDeepStrictEqual(error?.extensions, expected)) problems.push(`${action} of a ${row.status} session answered ${rowSummary(answer)} ${rowSummary(error)}`);
          if (!answer?.status) break;
          row.status = Object.entries(GRAPHQL_STATUS).find(([, name]) => name === answer.status)![0] as Status;
        }
      }
      return problems;
    },
  };
}

/**
 * A mutation with an Accept header the server cannot satisfy: the answer is an error (406), so
 * the mutation must not have happened either. The table says whether it did.
 */
function unacceptableAcceptCase(rng: Rng, round: Round): Case | undefined {
  const id = claimId(rng, round, (row) => row.status === 'scheduled' || row.status === 'in_progress');
  if (!id) return undefined;
  const accept = rng.pick(['text/plain', 'application/xml', 'text/html', 'image/png', 'application/json;q=0']);
  const mutation = rng.pick(['cancelInterviewSession(id: $id) { id status }', 'deleteInterviewSession(id: $id)']);
  const request = graphqlRequest(rng, `mutation ($id: ID!) { ${mutation} }`, { id });
  request.headers.accept = accept;
  return {
    label: `${mutation.split('(')[0]} with accept ${accept}`,
    ids: [id],
    request,
    mustFail: true,
    verify: async () => {
      const row = model.get(id)!;
      const [stored] = await app.db.query<{ status: Status }>('select status from interview_session where id = $1', [id]);
      if (!stored) {
        model.delete(id);
        deletedIds.push(id);
        return ['the mutation was executed (session deleted) although the client got an error answer'];
      }
      if (stored.status !== row.status) {
        const was = row.status;
        row.status = stored.status;
        return [`the mutation was executed (status ${was} → ${stored.status}) although the client got an error answer`];
      }
      return [];
    },
  };
}

function deleteCase(rng: Rng, round: Round): Case | undefined {
  const gone = deletedIds.length > 0 && rng.chance(0.3) ? rng.pick(deletedIds) : undefined;
  const id = gone ?? claimId(rng, round);
  if (!id) return undefined;
  const byVariable = rng.chance(0.5);
  const query = byVariable ? 'mutation Delete($id: ID!) { deleteInterviewSession(id: $id) }' : `mutation { deleteInterviewSession(id: ${JSON.stringify(id)}) }`;
  return {
    label: gone ? 'delete a deleted session' : 'delete a session',
    ids: [id],
    request: graphqlRequest(rng, query, byVariable ? { id } : undefined),
    verify: (body) => {
      const answer = body.data?.deleteInterviewSession;
      const existed = model.has(id);
      if (answer === true) {
        model.delete(id);
        deletedIds.push(id);
      }
      return answer === existed ? [] : [`delete of a${existed ? 'n existing' : ' missing'} session answered ${JSON.stringify(body)}`];
    },
  };
}

function readCase(rng: Rng, round: Round): Case | undefined {
  const gone = deletedIds.length > 0 && rng.chance(0.25) ? rng.pick(deletedIds) : undefined;
  const id = gone ?? claimId(rng, round);
  if (!id) return undefined;
  const sent = rng.chance(0.2) ? id.toUpperCase() : id;
  const { query, variables } = operation(rng, 'query', 'interviewSession', { id: { type: 'ID!', value: sent } }, SESSION_FIELDS);
  return {
    label: gone ? 'read a deleted session' : 'read a session',
    ids: [id],
    request: graphqlRequest(rng, query, variables, true),
    verify: (body) => {
      const row = model.get(id);
      const answer = body.data?.interviewSession;
      if (!row) return answer === null && !body.errors ? [] : [`read of a deleted session answered ${rowSummary(body)}`];
      if (answer?.id !== id || answer.status !== GRAPHQL_STATUS[row.status] || answer.title !== row.title || answer.candidateName !== row.candidateName) {
        return [`read of ${rowSummary(row)} answered ${rowSummary(body)}`];
      }
      return [];
    },
  };
}

function listCase(rng: Rng): Case {
  const filter: Record<string, unknown> = {};
  if (rng.chance(0.6)) filter.status = rng.pick([...STATUS_KEYS]);
  if (rng.chance(0.2)) filter.createdAfter = rng.pick(['2020-01-01T00:00:00Z', '2999-01-01T00:00:00Z', new Date(Date.now() - 60_000).toISOString()]);
  if (rng.chance(0.2)) filter.createdBefore = rng.pick(['2020-01-01T00:00:00Z', '2999-01-01T00:00:00Z', new Date().toISOString()]);
  const first = rng.pick([1, 2, 5, 20, 100]);
  const after = issuedCursors.length > 0 && rng.chance(0.5) ? rng.pick(issuedCursors) : undefined;
  const args: Record<string, ArgSpec> = {
    filter: { type: 'InterviewSessionFilter', value: filter, omit: Object.keys(filter).length === 0 && rng.chance(0.5) },
    first: { type: 'Int', value: first, omit: rng.chance(0.2) },
    after: { type: 'String', value: after ?? null, omit: after === undefined && rng.chance(0.5) },
  };
  const selection = rng.pick([
    `totalCount nodes { ${SESSION_FIELDS} } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`,
    'edges { cursor node { id status } } pageInfo { endCursor hasNextPage }',
    'nodes { id status createdAt } totalCount',
    'totalCount',
    'pageInfo { endCursor }',
  ]);
  const { query, variables } = operation(rng, 'query', 'interviewSessions', args, selection);
  return {
    label: `list sessions ${JSON.stringify(filter)} first ${args.first!.omit ? '(default)' : first}${after ? ' after a cursor' : ''}`,
    request: graphqlRequest(rng, query, variables, true),
    verify: (body) => {
      const page = body.data?.interviewSessions;
      if (!page || body.errors) return [`list answered ${rowSummary(body)}`];
      const problems: string[] = [];
      const nodes: Array<{ status?: string }> = page.nodes ?? (page.edges ?? []).map((edge: { node: unknown }) => edge.node);
      if (nodes.length > (args.first!.omit ? 20 : first)) problems.push(`list returned ${nodes.length} nodes for first ${first}`);
      if (filter.status && nodes.some((node) => node.status !== filter.status)) problems.push(`list filtered on ${filter.status} returned ${rowSummary(nodes)}`);
      if (page.pageInfo?.hasPreviousPage !== undefined && page.pageInfo.hasPreviousPage !== (after !== undefined)) problems.push('hasPreviousPage is wrong');
      if (typeof page.pageInfo?.endCursor === 'string' && issuedCursors.length < 500) issuedCursors.push(page.pageInfo.endCursor);
      return problems;
    },
  };
}

function updateCase(rng: Rng, round: Round): Case | undefined {
  const id = claimId(rng, round);
  if (!id) return undefined;
  const input: Record<string, unknown> = {};
  if (rng.chance(0.6)) input.title = rng.pick(VALID_TEXTS);
  if (rng.chance(0.5)) input.candidateName = rng.pick(VALID_TEXTS);
  if (rng.chance(0.4)) input.scheduledAt = rng.chance(0.3) ? null : rng.pick(DATES.filter((sample) => sample.valid === true)).value;
  return updateWith(rng, id, input, 'update a session with valid input', { arg: 'input', delivery: rng.chance(0.5) ? 'vars' : 'inline' });
}

/** updateInterviewSession on a model id; the expectation follows from the validity of each field. */
function updateWith(rng: Rng, id: string, input: unknown, label: string, target: { arg: string; field?: string; delivery: Delivery }, validity?: Validity): Case {
  const inlineFor = (key: string) => target.delivery === 'inline' || (target.delivery === 'fieldVar' && key !== target.field);
  const fields = input !== null && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>) : undefined;
  const expected: Validity =
    validity ??
    (fields
      ? and(
          ...Object.entries(fields).map(([key, value]): Validity => {
            if (key === 'title' || key === 'candidateName') return textValidity(value, inlineFor(key));
            if (key === 'scheduledAt') return value === null ? true : (DATES.find((sample) => sample.value === value)?.valid ?? false);
            return false;
          }),
        )
      : false);
  const { query, variables } = operation(
    rng,
    'mutation',
    'updateInterviewSession',
    { id: { type: 'ID!', value: id }, input: { type: 'UpdateInterviewSessionInput!', value: input } },
    SESSION_FIELDS,
    target,
  );
  return {
    label,
    ids: [id],
    request: graphqlRequest(rng, query, variables),
    mustFail: expected === false,
    codes: CLIENT_CODES,
    verify: (body) => {
      const row = model.get(id)!;
      const answer = body.data?.updateInterviewSession;
      const problems: string[] = [];
      if (answer) {
        row.title = storedText(String(answer.title));
        row.candidateName = storedText(String(answer.candidateName));
        if (answer.status !== GRAPHQL_STATUS[row.status]) problems.push(`update changed the status to ${answer.status}`);
      }
      if (expected === true) {
        if (!answer) problems.push(`valid update ${rowSummary(input)} answered ${rowSummary(body)}`);
        else if (fields) {
          for (const [key, value] of Object.entries(fields)) {
            const want = key === 'scheduledAt' && value !== null ? new Date(String(value)).toISOString() : value;
            if (answer[key] !== want) problems.push(`update set ${key} to ${rowSummary(answer[key])}, expected ${rowSummary(want)}`);
          }
        }
      }
      return problems;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Hostile values in every argument of every operation
// ---------------------------------------------------------------------------------------------

type Target =
  | { op: 'interviewSession' | 'startInterviewSession' | 'completeInterviewSession' | 'cancelInterviewSession' | 'deleteInterviewSession'; arg: 'id' }
  | { op: 'interviewSessions'; arg: 'first' | 'after' | 'filter'; field?: 'status' | 'createdAfter' | 'createdBefore' }
  | { op: 'createInterviewSession'; arg: 'input'; field?: 'title' | 'candidateName' | 'scheduledAt' }
  | { op: 'updateInterviewSession'; arg: 'id' | 'input'; field?: 'title' | 'candidateName' | 'scheduledAt' };

const TARGETS: readonly Target[] = [
  { op: 'interviewSession', arg: 'id' },
  { op: 'startInterviewSession', arg: 'id' },
  { op: 'completeInterviewSession', arg: 'id' },
  { op: 'cancelInterviewSession', arg: 'id' },
  { op: 'deleteInterviewSession', arg: 'id' },
  { op: 'interviewSessions', arg: 'first' },
  { op: 'interviewSessions', arg: 'after' },
  { op: 'interviewSessions', arg: 'filter' },
  { op: 'interviewSessions', arg: 'filter', field: 'status' },
  { op: 'interviewSessions', arg: 'filter', field: 'createdAfter' },
  { op: 'interviewSessions', arg: 'filter', field: 'createdBefore' },
  { op: 'createInterviewSession', arg: 'input' },
  { op: 'createInterviewSession', arg: 'input', field: 'title' },
  { op: 'createInterviewSession', arg: 'input', field: 'candidateName' },
  { op: 'createInterviewSession', arg: 'input', field: 'scheduledAt' },
  { op: 'updateInterviewSession', arg: 'id' },
  { op: 'updateInterviewSession', arg: 'input' },
  { op: 'updateInterviewSession', arg: 'input', field: 'title' },
  { op: 'updateInterviewSession', arg: 'input', field: 'candidateName' },
  { op: 'updateInterviewSession', arg: 'input', field: 'scheduledAt' },
];

function pickDelivery(rng: Rng, nested: boolean, nonNull: boolean): Delivery {
  return rng.weighted<Delivery>([
    [10, 'vars'],
    [6, 'inline'],
    [nested ? 4 : 0, 'fieldVar'],
    [1, 'wrongDecl'],
    [1, 'undeclared'],
    [nonNull ? 1 : 0, 'missing'],
  ]);
}

/** A hostile id and what the API must make of it. */
function idSample(rng: Rng): { value: unknown; kind: 'absent' | 'invalid' | 'either' } {
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

function textSample(rng: Rng): unknown {
  return rng.weighted<() => unknown>([
    [6, () => hostileString(rng)],
    [2, () => rng.pick(boundaryStrings())],
    [1, () => rng.pick(WRONG_TYPES.concat([null]))],
  ])();
}

function hostileCase(rng: Rng, round: Round): Case | undefined {
  const target = rng.pick(TARGETS);
  const nested = 'field' in target && target.field !== undefined;
  switch (target.op) {
    case 'interviewSession':
    case 'startInterviewSession':
    case 'completeInterviewSession':
    case 'cancelInterviewSession':
    case 'deleteInterviewSession': {
      const sample = idSample(rng);
      const delivery = pickDelivery(rng, false, true);
      const isQuery = target.op === 'interviewSession';
      const selection = target.op === 'deleteInterviewSession' ? '' : 'id status';
      const { query, variables } = operation(rng, isQuery ? 'query' : 'mutation', target.op, { id: { type: 'ID!', value: sample.value } }, selection, { arg: 'id', delivery });
      const wellDelivered = delivery === 'vars' || (delivery === 'inline' && !(typeof sample.value === 'string' && hasLoneSurrogate(sample.value)));
      const kind = wellDelivered ? sample.kind : 'invalid';
      return {
        label: `${target.op}(id: ${describeType(sample.value)}) via ${delivery}`,
        request: graphqlRequest(rng, query, variables, isQuery),
        mustFail: kind === 'invalid' || (kind === 'absent' && !isQuery && target.op !== 'deleteInterviewSession'),
        codes: kind === 'absent' ? ['NOT_FOUND'] : kind === 'either' ? [...CLIENT_CODES, 'NOT_FOUND'] : CLIENT_CODES,
        verify: (body) => {
          if (kind !== 'absent') {
            const argument = (body.errors ?? []).find((e) => e.extensions?.code === 'BAD_USER_INPUT' && 'path' in e)?.extensions?.argument;
            return argument === undefined || argument === 'id' ? [] : [`BAD_USER_INPUT names argument ${String(argument)}`];
          }
          if (isQuery) return body.data?.interviewSession === null && !body.errors ? [] : [`absent id answered ${rowSummary(body)}`];
          if (target.op === 'deleteInterviewSession') return body.data?.deleteInterviewSession === false ? [] : [`delete of an absent id answered ${rowSummary(body)}`];
          return [];
        },
      };
    }

    case 'interviewSessions': {
      let sample: DateSample;
      const filter: Record<string, unknown> = rng.chance(0.5) ? { status: rng.pick([...STATUS_KEYS]) } : {};
      const args: Record<string, ArgSpec> = {
        filter: { type: 'InterviewSessionFilter', value: filter, omit: rng.chance(0.3) },
        first: { type: 'Int', value: rng.pick([1, 5, 100]), omit: rng.chance(0.5) },
        after: { type: 'String', value: null, omit: true },
      };
      if (target.arg === 'first') {
        sample = rng.pick(FIRST_VALUES);
        args.first = { type: 'Int', value: sample.value };
      } else if (target.arg === 'after') {
        sample = rng.weighted<() => DateSample>([
          [6, () => rng.pick(hostileCursors(rng))],
          [2, () => ({ value: hostileString(rng), valid: false })],
          [1, () => ({ value: rng.pick(WRONG_TYPES), valid: false })],
          [1, () => ({ value: null, valid: true })],
        ])();
        args.after = { type: 'String', value: sample.value };
      } else if (target.field === undefined) {
        sample = rng.pick<DateSample>([
          ...WRONG_TYPES.filter((value) => typeof value !== 'object' || Array.isArray(value) || value === null).map((value) => ({ value, valid: false })),
          { value: 'SCHEDULED', valid: false },
          { value: rng.pick(SQL_STRINGS), valid: false },
          { value: null, valid: true },
          { value: {}, valid: true },
          { value: { status: null, createdAfter: null, createdBefore: null }, valid: true },
          { value: { createdAfter: '2030-01-01T00:00:00Z', createdBefore: '1970-01-01T00:00:00Z' }, valid: true },
          { value: { status: 'SCHEDULED', sql: "1' or '1'='1" }, valid: false },
          { value: { status: 'SCHEDULED', where: 'true' }, valid: false },
          { value: { status: ['SCHEDULED', 'COMPLETED'] }, valid: false },
        ]);
        args.filter = { type: 'InterviewSessionFilter', value: sample.value };
      } else if (target.field === 'status') {
        const value = rng.pick<unknown>(['scheduled', 'IN PROGRESS', 'in_progress', 'Scheduled', '', 'SCHEDULED ', 'DELETED', rng.pick(SQL_STRINGS), rng.pick(UNICODE_STRINGS), null, ...WRONG_TYPES, 'SCHEDULED', 'CANCELLED']);
        sample = { value, valid: value === null || (typeof value === 'string' && STATUS_KEYS.has(value)) };
        args.filter = { type: 'InterviewSessionFilter', value: { ...filter, status: value } };
      } else {
        sample = dateSample(rng);
        args.filter = { type: 'InterviewSessionFilter', value: { ...filter, [target.field]: sample.value } };
      }
      const mode = pickDelivery(rng, nested, false);
      args[target.arg]!.omit = false;
      const { query, variables } = operation(rng, 'query', 'interviewSessions', args, rng.pick(['totalCount nodes { id status }', 'edges { cursor } pageInfo { hasPreviousPage endCursor }', `nodes { ${SESSION_FIELDS} }`]), {
        arg: target.arg,
        field: target.field,
        delivery: mode,
      });
      const wellDelivered = mode === 'vars' || mode === 'fieldVar' || (mode === 'inline' && !(typeof sample.value === 'string' && hasLoneSurrogate(sample.value)));
      // A missing nullable variable is no error; an undeclared or wrongly declared one always is.
      const validity: Validity = wellDelivered ? sample.valid : false;
      return {
        label: `interviewSessions(${target.arg}${target.field ? `.${target.field}` : ''}: ${describeType(sample.value)}) via ${mode}`,
        request: graphqlRequest(rng, query, variables, true),
        mustFail: validity === false,
        codes: CLIENT_CODES,
        verify: (body) => (validity === true && (!body.data?.interviewSessions || body.errors) ? [`valid list arguments answered ${rowSummary(body)}`] : []),
      };
    }

    case 'createInterviewSession': {
      const input: Record<string, unknown> = { title: rng.pick(VALID_TEXTS), candidateName: rng.pick(VALID_TEXTS) };
      let value: unknown = input;
      let validity: Validity;
      const mode = pickDelivery(rng, nested, true);
      // With a variable for one field, the other fields are literals.
      const inlineFor = (key: string) => mode === 'inline' || (mode === 'fieldVar' && key !== target.field);
      if (target.field === 'title' || target.field === 'candidateName') {
        input[target.field] = textSample(rng);
        validity = and(textValidity(input.title, inlineFor('title')), textValidity(input.candidateName, inlineFor('candidateName')));
      } else if (target.field === 'scheduledAt') {
        const sample = dateSample(rng);
        input.scheduledAt = sample.value;
        validity = and(sample.valid, textValidity(input.title, inlineFor('title')), textValidity(input.candidateName, inlineFor('candidateName')));
      } else {
        const sample = rng.pick<DateSample>([
          ...WRONG_TYPES.map((wrong) => ({ value: wrong, valid: false })),
          { value: null, valid: false },
          { value: rng.pick(SQL_STRINGS), valid: false },
          { value: { title: 'x' }, valid: false },
          { value: { candidateName: 'x' }, valid: false },
          { value: { ...input, status: 'COMPLETED' }, valid: false },
          { value: { ...input, id: rng.uuidV4() }, valid: false },
          { value: { ...input, createdAt: '2000-01-01T00:00:00Z' }, valid: false },
          { value: { ...input, title: [input.title] }, valid: false },
        ]);
        value = sample.value;
        validity = sample.valid;
      }
      if (!(mode === 'vars' || mode === 'inline' || mode === 'fieldVar')) validity = false;
      const { query, variables } = operation(rng, 'mutation', 'createInterviewSession', { input: { type: 'CreateInterviewSessionInput!', value } }, SESSION_FIELDS, {
        arg: 'input',
        field: target.field,
        delivery: mode,
      });
      return {
        label: `createInterviewSession(input${target.field ? `.${target.field}` : ''}: ${describeType(target.field ? input[target.field] : value)}) via ${mode}`,
        request: graphqlRequest(rng, query, variables),
        mustFail: validity === false,
        codes: CLIENT_CODES,
        verify: (body) => {
          const created = body.data?.createInterviewSession;
          if (created?.id) model.set(created.id, { status: 'scheduled', title: storedText(String(created.title)), candidateName: storedText(String(created.candidateName)) });
          if (validity === true && !created) return [`valid create ${rowSummary(input)} answered ${rowSummary(body)}`];
          if (created && (created.title !== input.title || created.candidateName !== input.candidateName)) return [`create stored ${rowSummary(created)} for ${rowSummary(input)}`];
          return [];
        },
      };
    }

    case 'updateInterviewSession': {
      if (target.arg === 'id') {
        const sample = idSample(rng);
        const delivery = pickDelivery(rng, false, true);
        const { query, variables } = operation(
          rng,
          'mutation',
          'updateInterviewSession',
          { id: { type: 'ID!', value: sample.value }, input: { type: 'UpdateInterviewSessionInput!', value: { title: 'Renamed' } } },
          'id',
          { arg: 'id', delivery },
        );
        const wellDelivered = delivery === 'vars' || (delivery === 'inline' && !(typeof sample.value === 'string' && hasLoneSurrogate(sample.value)));
        const kind = wellDelivered ? sample.kind : 'invalid';
        return {
          label: `updateInterviewSession(id: ${describeType(sample.value)}) via ${delivery}`,
          request: graphqlRequest(rng, query, variables),
          mustFail: true,
          codes: kind === 'absent' ? ['NOT_FOUND'] : kind === 'either' ? [...CLIENT_CODES, 'NOT_FOUND'] : CLIENT_CODES,
        };
      }
      const id = claimId(rng, round);
      if (!id) return undefined;
      const mode = pickDelivery(rng, nested, true);
      const inlineFor = (key: string) => mode === 'inline' || (mode === 'fieldVar' && key !== target.field);
      const wellDelivered = mode === 'vars' || mode === 'inline' || mode === 'fieldVar';
      if (target.field === undefined) {
        const sample = rng.pick<DateSample>([
          // An empty input is a valid update that changes nothing.
          ...WRONG_TYPES.filter((wrong) => !isDeepStrictEqual(wrong, {})).map((wrong) => ({ value: wrong, valid: false })),
          { value: null, valid: false },
          { value: rng.pick(SQL_STRINGS), valid: false },
          { value: {}, valid: true },
          { value: { scheduledAt: null }, valid: true },
          { value: { title: null }, valid: false },
          { value: { candidateName: null }, valid: false },
          { value: { status: 'COMPLETED' }, valid: false },
          { value: { id: rng.uuidV4() }, valid: false },
          { value: { title: 'x', updatedAt: '2000-01-01T00:00:00Z' }, valid: false },
        ]);
        return updateWith(rng, id, sample.value, `updateInterviewSession(input: ${describeType(sample.value)}) via ${mode}`, { arg: 'input', delivery: mode }, wellDelivered ? sample.valid : false);
      }
      const value = target.field === 'scheduledAt' ? dateSample(rng).value : textSample(rng);
      const input: Record<string, unknown> = { [target.field]: value };
      if (rng.chance(0.4)) input[target.field === 'title' ? 'candidateName' : 'title'] = rng.pick(VALID_TEXTS);
      const fieldValidity: Validity =
        target.field === 'scheduledAt' ? (value === null ? true : (DATES.find((sample) => sample.value === value)?.valid ?? false)) : textValidity(value, inlineFor(target.field));
      const others = Object.entries(input).filter(([key]) => key !== target.field).map(([key, other]) => textValidity(other, inlineFor(key)));
      return updateWith(
        rng,
        id,
        input,
        `updateInterviewSession(input.${target.field}: ${describeType(value)}) via ${mode}`,
        { arg: 'input', field: target.field, delivery: mode },
        wellDelivered ? and(fieldValidity, ...others) : false,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------

let app: TestApp;
const failures: Failure[] = [];
let casesRun = 0;
let slowest = { ms: 0, label: '' };

beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

async function send(request: FuzzRequest): Promise<Reply> {
  const init: RequestInit = { method: request.method, headers: request.headers, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) };
  const body = request.body;
  if (typeof body === 'string' || body instanceof Uint8Array) init.body = body;
  else if (body) {
    const chunks = body.chunks;
    init.body = (async function* () {
      for (const chunk of chunks) yield chunk;
    })();
    init.duplex = 'half';
  }
  const started = performance.now();
  try {
    const response = await fetch(`${app.url}${request.path}`, init);
    const text = Buffer.from(await response.arrayBuffer()).toString('utf8');
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      requestId: response.headers.get('x-request-id'),
      text,
      ms: performance.now() - started,
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { transport: `${(error as Error).name}: ${(error as Error).message}${cause ? ` (${cause.code ?? ''} ${cause.message ?? ''})` : ''}`, ms: performance.now() - started };
  }
}

function record(index: number, fuzzCase: Case, reply: Reply, category: string, detail: string): void {
  failures.push({
    seed: SEED,
    index,
    category,
    detail,
    label: fuzzCase.label,
    request: describeRequest(fuzzCase.request),
    response: reply.transport ?? `HTTP ${reply.status} ${excerpt(reply.text ?? '', 500)}`,
  });
}

const tally = new Map<string, number>();

function generate(rng: Rng, round: Round, bodyLimit: number): Case {
  for (;;) {
    const [kind, make] = rng.weighted<readonly [string, () => Case | undefined]>([
      [10, ['malformed body', () => malformedBody(rng)]],
      [9, ['wrong JSON shape', () => wrongJsonShape(rng)]],
      [7, ['wrong content type', () => wrongContentType(rng)]],
      [8, ['odd GET/method/path', () => oddGet(rng)]],
      [2, ['body size', () => sizedBody(rng, bodyLimit)]],
      [7, ['abusive document', () => abusiveDocument(rng)]],
      [32, ['hostile argument', () => hostileCase(rng, round)]],
      [model.size < 10 ? 20 : 8, ['valid create', () => createCase(rng)]],
      [8, ['valid status change', () => statusCase(rng, round)]],
      [3, ['valid delete', () => deleteCase(rng, round)]],
      [1, ['mutation with unacceptable accept', () => unacceptableAcceptCase(rng, round)]],
      [3, ['valid update', () => updateCase(rng, round)]],
      [3, ['valid read', () => readCase(rng, round)]],
      [4, ['valid list', () => listCase(rng)]],
    ]);
    const made = make();
    if (made) {
      tally.set(kind, (tally.get(kind) ?? 0) + 1);
      return made;
    }
  }
}

/** With nothing in flight: every count the API gives must match the model. */
async function checkpoint(index: number): Promise<void> {
  const query = `{ all: interviewSessions { totalCount } ${[...STATUS_KEYS].map((key) => `${key}: interviewSessions(filter: { status: ${key} }) { totalCount }`).join(' ')} }`;
  const fuzzCase: Case = { label: 'checkpoint: counts against the model', request: { method: 'POST', path: '/graphql', headers: JSON_HEADERS, body: JSON.stringify({ query }) } };
  const reply = await send(fuzzCase.request);
  let data: Record<string, { totalCount: number }> | undefined;
  try {
    data = (JSON.parse(reply.text ?? '') as Body).data ?? undefined;
  } catch {
    data = undefined;
  }
  const expected: Record<string, number> = { all: model.size };
  for (const [status, name] of Object.entries(GRAPHQL_STATUS)) expected[name] = [...model.values()].filter((row) => row.status === status).length;
  const actual = Object.fromEntries(Object.entries(data ?? {}).map(([key, value]) => [key, value.totalCount]));
  if (!isDeepStrictEqual(actual, expected)) record(index, fuzzCase, reply, 'counts disagree with the model', `expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

function report(title: string, list: Failure[]): string {
  const groups = new Map<string, Failure[]>();
  for (const failure of list) {
    const detail = failure.detail.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/gi, '<uuid>').replace(/(?<!HTTP )\b\d+\b/g, 'N');
    const key = `${failure.category} — ${detail.slice(0, 120)}`;
    groups.set(key, [...(groups.get(key) ?? []), failure]);
  }
  const lines = [`${title}: ${list.length} failure(s) in ${groups.size} group(s); seed ${SEED} (FUZZ_SEED=${SEED} FUZZ_CASES=${CASES} to replay)`];
  for (const [key, members] of [...groups.entries()].sort((a, b) => b[1].length - a[1].length)) {
    lines.push('', `■ ${key}  ×${members.length}`);
    for (const failure of members.slice(0, EXAMPLES)) {
      lines.push(`  case #${failure.index} (seed ${failure.seed}): ${failure.label}`);
      if (failure.detail) lines.push(`    detail:   ${excerpt(failure.detail, 300)}`);
      lines.push(`    request:  ${failure.request}`, `    response: ${failure.response}`);
    }
  }
  return lines.join('\n');
}

describe(`fuzzing the HTTP API (seed ${SEED}, ${CASES} cases)`, () => {
  it('answers every request in the contract: no 5xx, JSON with data or coded errors, no leaks, no internal errors', async () => {
    const rng = new Rng(SEED);
    const bodyLimit = app.http.initialConfig.bodyLimit ?? 102_400;
    const started = performance.now();
    for (let round = 0; casesRun < CASES; round++) {
      const state: Round = { busy: new Set() };
      const batch: Array<{ index: number; fuzzCase: Case }> = [];
      while (batch.length < CONCURRENCY && casesRun < CASES) batch.push({ index: casesRun++, fuzzCase: generate(rng, state, bodyLimit) });
      const replies = await Promise.all(batch.map(({ fuzzCase }) => send(fuzzCase.request)));
      batch.forEach(({ fuzzCase }, i) => {
        const reply = replies[i]!;
        if (reply.ms > slowest.ms) slowest = { ms: reply.ms, label: fuzzCase.label };
      });
      for (const [i, { index, fuzzCase }] of batch.entries()) {
        for (const problem of await judge(fuzzCase, replies[i]!)) record(index, fuzzCase, replies[i]!, problem.category, problem.detail);
      }
      if (round % CHECKPOINT_EVERY === CHECKPOINT_EVERY - 1) await checkpoint(casesRun);
    }
    await checkpoint(casesRun);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `fuzz: ${casesRun} cases in ${seconds} s, seed ${SEED}, ${model.size} sessions in the model, ${deletedIds.length} deleted, ` +
        `slowest ${Math.round(slowest.ms)} ms (${slowest.label}), ${failures.length} failure(s)\n` +
        [...tally.entries()].map(([kind, count]) => `  ${kind}: ${count}`).join('\n'),
    );
    if (failures.length > 0) throw new Error(report('fuzz', failures));
  }, 300_000);

  it('still answers { __typename } afterwards', async () => {
    const response = await fetch(`${app.url}/graphql`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('holds exactly the rows the valid mutations created, in the status the model expects', async () => {
    const rows = await app.db.query<{ id: string; status: string; title: string; candidate_name: string }>('select id, status, title, candidate_name from interview_session');
    const actual = Object.fromEntries(rows.map((row) => [row.id, { status: row.status, title: row.title, candidateName: row.candidate_name }]));
    const expected = Object.fromEntries([...model.entries()].map(([id, row]) => [id, { ...row }]));
    const problems: string[] = [];
    for (const id of Object.keys(expected)) if (!(id in actual)) problems.push(`missing row ${id} ${rowSummary(expected[id])}`);
    for (const id of Object.keys(actual)) if (!(id in expected)) problems.push(`unexpected row ${id} ${rowSummary(actual[id])}`);
    for (const id of Object.keys(expected)) {
      if (id in actual && !isDeepStrictEqual(actual[id], expected[id])) problems.push(`row ${id}: table ${rowSummary(actual[id])}, model ${rowSummary(expected[id])}`);
    }

    // Walking every page must give every row once, newest first.
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 1_000; page++) {
      const response = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: JSON_HEADERS,
        body: JSON.stringify({ query: 'query ($after: String) { interviewSessions(first: 100, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }', variables: { after } }),
      });
      const body = (await response.json()) as Body;
      const connection = body.data?.interviewSessions;
      if (!connection) {
        problems.push(`paging failed: ${excerpt(JSON.stringify(body), 300)}`);
        break;
      }
      seen.push(...connection.nodes.map((node: { id: string }) => node.id));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    if (new Set(seen).size !== seen.length) problems.push(`paging repeated rows: ${seen.length} seen, ${new Set(seen).size} distinct`);
    if (!isDeepStrictEqual(new Set(seen), new Set(Object.keys(expected)))) problems.push(`paging saw ${new Set(seen).size} rows, the model has ${model.size}`);

    console.log(`table: ${rows.length} rows, model: ${model.size} (${Object.entries(GRAPHQL_STATUS).map(([status]) => `${status} ${[...model.values()].filter((row) => row.status === status).length}`).join(', ')})`);
    if (problems.length > 0) throw new Error(`table vs model (seed ${SEED}), ${problems.length} problem(s):\n${problems.slice(0, 50).join('\n')}`);
  });
});
