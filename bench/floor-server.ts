/**
 * The floor: what the benchmark's requests cost with no GraphQL engine and no ORM. `node:http` +
 * one `pg.Pool` (max 20); each of the benchmark's fixed documents (QUERIES, exactly as sent, or
 * by id) maps to a handler that runs one SQL statement and writes the same JSON as the real server. Anything
 * else is refused, so it is a yardstick, not a server.
 *
 *   DATABASE_URL=postgresql://… PORT=4100 npx ts-node --transpile-only bench/floor-server.ts
 *
 * run.ts imports QUERIES from here and runs a plain-JS transpile of this file (no ts-node in the
 * measured process).
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Pool } from 'pg';
import { v7 as uuidv7, validate as isUuid } from 'uuid';

const FIELDS = 'id title candidateName status scheduledAt startedAt completedAt createdAt updatedAt';
const PAGE = `nodes { ${FIELDS} } pageInfo { hasNextPage endCursor }`;

/**
 * The orders of interviewSessions as SQL, as src/connections/keyset-order.ts writes them: the key
 * (a nullable column coalesced to ±infinity, so that its nulls come last), the direction, and
 * the column a cursor holds.
 */
const ORDERS = {
  CREATED_AT_DESC: { key: '"created_at"', column: 'created_at', direction: 'desc', nullsAs: undefined },
  CREATED_AT_ASC: { key: '"created_at"', column: 'created_at', direction: 'asc', nullsAs: undefined },
  SCHEDULED_AT_ASC: {
    key: `coalesce("scheduled_at", 'infinity'::timestamptz)`,
    column: 'scheduled_at',
    direction: 'asc',
    nullsAs: 'infinity',
  },
  SCHEDULED_AT_DESC: {
    key: `coalesce("scheduled_at", '-infinity'::timestamptz)`,
    column: 'scheduled_at',
    direction: 'desc',
    nullsAs: '-infinity',
  },
  UPDATED_AT_DESC: { key: '"updated_at"', column: 'updated_at', direction: 'desc', nullsAs: undefined },
} as const;
export type OrderName = keyof typeof ORDERS;
export const ORDER_NAMES = Object.keys(ORDERS) as OrderName[];

/** The page 1 and the page after a cursor of every order, over the whole table: their documents. */
export const ORDER_QUERIES = Object.fromEntries(
  ORDER_NAMES.map((name) => [
    name,
    {
      first: `query ${name} { interviewSessions(orderBy: ${name}, first: 20) { ${PAGE} } }`,
      after: `query ${name}_AFTER($after: String!) { interviewSessions(orderBy: ${name}, first: 20, after: $after) { ${PAGE} } }`,
    },
  ]),
) as Record<OrderName, { first: string; after: string }>;

/** The benchmark's documents. The real server parses them; the floor only looks them up. */
export const QUERIES = {
  list: `query List { interviewSessions(filter: {status: IN_PROGRESS}, first: 20) { ${PAGE} } }`,
  listAfter: `query ListAfter($after: String!) { interviewSessions(filter: {status: IN_PROGRESS}, first: 20, after: $after) { ${PAGE} } }`,
  byId: `query ById($id: ID!) { interviewSession(id: $id) { ${FIELDS} } }`,
  create: `mutation Create($input: CreateInterviewSessionInput!) { createInterviewSession(input: $input) { ${FIELDS} } }`,
  start: `mutation Start($id: ID!) { startInterviewSession(id: $id) { ${FIELDS} } }`,
  complete: `mutation Complete($id: ID!) { completeInterviewSession(id: $id) { ${FIELDS} } }`,
  ping: '{ __typename }',
} as const;

interface Row {
  id: string;
  title: string;
  candidate_name: string;
  status: string;
  scheduled_at: Date | null;
  started_at: Date | null;
  completed_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** The GraphQL enum shows the keys; the table stores the lower-case values. */
const STATUS_NAME: Record<string, string> = {
  scheduled: 'SCHEDULED',
  in_progress: 'IN_PROGRESS',
  completed: 'COMPLETED',
  cancelled: 'CANCELLED',
};

const iso = (date: Date | null) => (date === null ? null : date.toISOString());

/** Keys in the order the documents select them: graphql-js answers in selection order. */
const toNode = (row: Row) => ({
  id: row.id,
  title: row.title,
  candidateName: row.candidate_name,
  status: STATUS_NAME[row.status],
  scheduledAt: iso(row.scheduled_at),
  startedAt: iso(row.started_at),
  completedAt: iso(row.completed_at),
  createdAt: iso(row.created_at),
  updatedAt: iso(row.updated_at),
});

/** The tag of a list's filter a cursor carries: src/connections/cursor.ts. */
const scopeTag = (scope: string) => createHash('sha256').update(scope).digest('base64url').slice(0, 12);
/** The filter of Q1 and Q3 (status IN_PROGRESS), and none, as src/interview-sessions' filterScope writes them. */
const IN_PROGRESS_SCOPE = 'in_progress||';
const NO_FILTER_SCOPE = '||';

/** src/connections/cursor.ts: base64url of "<order>|<scope tag>|<ISO key, or nothing for null>|<uuid>". */
function encodeCursor(order: OrderName, scope: string, row: Row): string {
  const key = row[ORDERS[order].column];
  return Buffer.from(`${order}|${scopeTag(scope)}|${key === null ? '' : key.toISOString()}|${row.id}`, 'utf8').toString('base64url');
}

class ClientError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The key (an ISO instant, or null) and the id of a cursor of this order and scope. */
function decodeCursor(cursor: unknown, order: OrderName, scope: string): [string | null, string] {
  const [name, tag, time, id, ...rest] = Buffer.from(String(cursor), 'base64url').toString('utf8').split('|');
  const key = time === '' && ORDERS[order].nullsAs ? null : new Date(time ?? '');
  const valid = key === null || (!Number.isNaN(key.getTime()) && key.toISOString() === time);
  if (rest.length > 0 || name !== order || tag !== scopeTag(scope) || !id || !isUuid(id) || !valid) {
    throw new ClientError('"after" is not a cursor this API issued', 'BAD_USER_INPUT', { argument: 'after' });
  }
  return [key === null ? null : time!, id];
}

function sessionId(id: unknown): string {
  if (typeof id !== 'string' || !isUuid(id))
    throw new ClientError(`"${String(id).slice(0, 64)}" is not a valid session id (a UUID)`, 'BAD_USER_INPUT', { argument: 'id' });
  return id.toLowerCase();
}

function sessionText(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length < 1 || value.length > 200 || !/\S/.test(value) || value.includes('\u0000')) {
    throw new ClientError(`${name} must be 1 to 200 characters, not blank`, 'BAD_USER_INPUT', { argument: name });
  }
  return value;
}

type Variables = Record<string, unknown>;
type Handler = (pool: Pool, variables: Variables) => Promise<{ data: Record<string, unknown> }>;

const PAGE_SIZE = 20;

/** One page in an order, after a cursor or not, of the IN_PROGRESS sessions or of all: the server's SQL, its timestamps read as node-postgres reads them. */
function pageHandler(order: OrderName, status: 'in_progress' | undefined, afterCursor: boolean): Handler {
  const { key, direction, nullsAs } = ORDERS[order];
  const scope = status ? IN_PROGRESS_SCOPE : NO_FILTER_SCOPE;
  const conditions = status ? ['status = $1'] : [];
  const next = () => `$${conditions.length + 1}`;
  if (afterCursor) {
    const cursorKey = nullsAs ? `coalesce(${next()}::timestamptz, '${nullsAs}'::timestamptz)` : next();
    conditions.push(`(${key}, "id") ${direction === 'asc' ? '>' : '<'} (${cursorKey}, $${conditions.length + 2})`);
  }
  const where = conditions.length > 0 ? `where ${conditions.join(' and ')}` : '';
  const suffix = direction === 'desc' ? ' desc' : '';
  const sql = `select * from interview_session ${where} order by ${key}${suffix}, "id"${suffix} limit ${PAGE_SIZE + 1}`;
  return async (pool, { after }) => {
    const params = [...(status ? [status] : []), ...(afterCursor ? decodeCursor(after, order, scope) : [])];
    const { rows } = await pool.query<Row>(sql, params);
    const nodes = rows.slice(0, PAGE_SIZE);
    const last = nodes.at(-1);
    return {
      data: {
        interviewSessions: {
          nodes: nodes.map(toNode),
          pageInfo: { hasNextPage: rows.length > PAGE_SIZE, endCursor: last ? encodeCursor(order, scope, last) : null },
        },
      },
    };
  };
}

/** One UPDATE guarded by the status it leaves; a miss tells "no such session" from "wrong status". */
function transition(field: string, from: string, to: string, stamp: string, pastTense: string): Handler {
  const sql = `update interview_session set status = '${to}', ${stamp} = $2, updated_at = $2 where id = $1 and status = '${from}' returning *`;
  return async (pool, { id }) => {
    const key = sessionId(id);
    const { rows } = await pool.query<Row>(sql, [key, new Date()]);
    if (rows[0]) return { data: { [field]: toNode(rows[0]) } };
    const found = await pool.query<Row>('select status from interview_session where id = $1', [key]);
    if (!found.rows[0]) throw new ClientError(`InterviewSession ${String(id)} does not exist`, 'NOT_FOUND');
    const status = STATUS_NAME[found.rows[0].status];
    throw new ClientError(`A session that is ${status} cannot be ${pastTense}`, 'INVALID_STATUS_TRANSITION', { status });
  };
}

const HANDLERS = new Map<string, Handler>([
  [QUERIES.list, pageHandler('CREATED_AT_DESC', 'in_progress', false)],
  [QUERIES.listAfter, pageHandler('CREATED_AT_DESC', 'in_progress', true)],
  ...ORDER_NAMES.flatMap((order): [string, Handler][] => [
    [ORDER_QUERIES[order].first, pageHandler(order, undefined, false)],
    [ORDER_QUERIES[order].after, pageHandler(order, undefined, true)],
  ]),
  [
    QUERIES.byId,
    async (pool, { id }) => {
      const { rows } = await pool.query<Row>('select * from interview_session where id = $1 limit 1', [sessionId(id)]);
      return { data: { interviewSession: rows[0] ? toNode(rows[0]) : null } };
    },
  ],
  [
    QUERIES.create,
    async (pool, { input }) => {
      const { title, candidateName } = (input ?? {}) as Variables;
      const now = new Date();
      const { rows } = await pool.query<Row>(
        `insert into interview_session (id, title, candidate_name, status, scheduled_at, created_at, updated_at)
         values ($1, $2, $3, 'scheduled', null, $4, $4) returning *`,
        [uuidv7(), sessionText(title, 'title'), sessionText(candidateName, 'candidateName'), now],
      );
      return { data: { createInterviewSession: toNode(rows[0]!) } };
    },
  ],
  [QUERIES.start, transition('startInterviewSession', 'scheduled', 'in_progress', 'started_at', 'started')],
  [QUERIES.complete, transition('completeInterviewSession', 'in_progress', 'completed', 'completed_at', 'completed')],
  [QUERIES.ping, async () => ({ data: { __typename: 'Query' } })],
]);

/**
 * What the real server's cost model prices each document at (src/graphql/query-cost.ts, default
 * settings): every response it runs carries it in `extensions.cost`, so the floor writes it too.
 * The bench's checks compare the answers, so a change to the cost model shows up there.
 */
const COSTS = new Map<string, number>([
  [QUERIES.list, 226],
  [QUERIES.listAfter, 226],
  [QUERIES.byId, 11],
  [QUERIES.create, 11],
  [QUERIES.start, 11],
  [QUERIES.complete, 11],
  [QUERIES.ping, 1],
  // A page of every order costs what Q1's page costs: the order changes no field.
  ...Object.values(ORDER_QUERIES).flatMap(({ first, after }): [string, number][] => [
    [first, 226],
    [after, 226],
  ]),
]);

/** The documents by their SHA-256, as a client names them by `documentId` (`sha256:<hex>`). */
const BY_ID = new Map(Object.values(QUERIES).map((query) => [`sha256:${createHash('sha256').update(query).digest('hex')}`, query]));

function send(res: ServerResponse, status: number, body: unknown): void {
  const json = `${JSON.stringify(body)}\n`; // Apollo ends its JSON with a newline too
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

async function handle(pool: Pool, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST' || req.url !== '/graphql') {
    send(res, 404, { errors: [{ message: 'POST /graphql only' }] });
    return;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  let request: { query?: string; documentId?: string; variables?: Variables };
  try {
    request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    send(res, 400, { errors: [{ message: 'the body is not JSON', extensions: { code: 'BAD_REQUEST' } }] });
    return;
  }
  const query = request.query ?? BY_ID.get(request.documentId ?? '') ?? '';
  const handler = HANDLERS.get(query);
  if (!handler) {
    send(res, 400, { errors: [{ message: 'the floor knows only the benchmark documents', extensions: { code: 'BAD_REQUEST' } }] });
    return;
  }
  const extensions = { cost: { requested: COSTS.get(query) } };
  try {
    send(res, 200, { ...(await handler(pool, request.variables ?? {})), extensions });
  } catch (error) {
    if (error instanceof ClientError) {
      send(res, 200, {
        errors: [{ message: error.message, extensions: { code: error.code, ...error.extensions } }],
        data: null,
        extensions,
      });
      return;
    }
    console.error(error);
    send(res, 200, {
      errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
      data: null,
      extensions,
    });
  }
}

function main(): void {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 20, application_name: 'bench-floor' });
  pool.on('error', (error) => console.error('idle pool client failed:', error.message));
  const server = createServer((req, res) => {
    handle(pool, req, res).catch((error: unknown) => {
      console.error(error);
      if (!res.headersSent) send(res, 500, { errors: [{ message: 'Internal server error' }] });
    });
  });
  server.listen(Number(process.env.PORT ?? 4100), process.env.HOST ?? '127.0.0.1');
  const stop = () => {
    server.close(() => void pool.end()); // after the last connection: in-flight requests still need the pool
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 3000).unref(); // a client that keeps its connection busy
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (require.main === module) main();
