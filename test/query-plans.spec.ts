import { graphql } from './support/graphql-client';
import { ifSetUp } from './support/if-set-up';
import { statementsDuring, type Statement } from './support/statements';
import { startTestApp, type TestApp } from './support/test-app';

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Index Cond'?: string;
  'Scan Direction'?: string;
  Filter?: string;
  Plans?: PlanNode[];
}

/**
 * 200,000 rows unless QUERY_PLAN_ROWS says otherwise. The smaller table is the stricter check:
 * the fewer the rows, the cheaper the Sort the planner weighs against an index. A million rows
 * (QUERY_PLAN_ROWS=1000000) gives the same plans; seeding them takes about 50 s on a busy
 * 2-core machine, against 10 s here.
 */
const ROWS = Number(process.env.QUERY_PLAN_ROWS ?? 200_000);

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  // Spread over statuses and time, every key with ties, one session in twenty never scheduled:
  // the planner chooses as it would in production.
  await app.db.query(
    `insert into interview_session (id, title, candidate_name, status, scheduled_at, created_at, updated_at)
     select gen_random_uuid(), 'Session ' || n, 'Candidate ' || n,
            (array['scheduled', 'in_progress', 'completed', 'completed', 'cancelled'])[1 + n % 5],
            case when n % 20 = 0 then null else now() + ((n::bigint * 7919) % 100000) * interval '1 minute' end,
            now() - (n % 40000) * interval '10 minutes',
            now() - ((n::bigint * 104729) % 500000) * interval '1 second'
     from generate_series(1, $1::int) n`,
    [ROWS],
  );
  // Feedback for one session in ten, four each.
  await app.db.query(
    `insert into interview_feedback (id, session_id, interviewer_name, rating, created_at)
     select gen_random_uuid(), id, 'Interviewer ' || r, 1 + r, created_at + r * interval '1 hour'
     from interview_session, generate_series(1, 4) r where title like '%0'`,
  );
  await app.db.query('analyze interview_session');
  // As autovacuum leaves a table: its visibility map set, so an index-only scan is what it is.
  await app.db.query('vacuum analyze interview_feedback');
}, 300_000);
afterAll(async () => {
  await ifSetUp(app)?.stop();
});

/** The statements the server itself ran for a document, as it sent them (knex's `?` placeholders). */
async function statementsOf(document: string): Promise<Statement[]> {
  const { result, statements } = await statementsDuring(app, () => graphql(app.url, document));
  expect(result.body.errors).toBeUndefined();
  return statements;
}

const numbered = (sql: string) => {
  let position = 0;
  return sql.replace(/\?/g, () => `$${++position}`);
};
/** A value the server binds (text, a number, null, an array of ids) as an SQL literal. */
function literal(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return String(value);
  const text = Array.isArray(value) ? `{${value.join(',')}}` : (value as string);
  return `'${text.replace(/'/g, "''")}'`;
}
const flatten = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(flatten)];

/** The plan PostgreSQL makes for the statement with its values: a custom plan. */
async function customPlan({ sql, bindings }: Statement): Promise<PlanNode[]> {
  const [row] = await app.db.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`explain (format json) ${numbered(sql)}`, bindings);
  return flatten(row!['QUERY PLAN'][0].Plan);
}

/**
 * The plan of the statement prepared as the server prepares it (a named statement), planned
 * without its values: PostgreSQL may switch a prepared statement to this generic plan after
 * five executions, and then every value gets it.
 */
async function genericPlan({ sql, bindings }: Statement): Promise<PlanNode[]> {
  await app.db.query('set plan_cache_mode = force_generic_plan');
  try {
    await app.db.query(`prepare plan_check as ${numbered(sql)}`);
    const [row] = await app.db.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
      `explain (format json) execute plan_check(${bindings.map(literal).join(', ')})`,
    );
    return flatten(row!['QUERY PLAN'][0].Plan);
  } finally {
    await app.db.query('deallocate all');
    await app.db.query('reset plan_cache_mode');
  }
}

/** The one statement a page of sessions runs. */
async function listStatement(args: string): Promise<Statement> {
  const statements = await statementsOf(`{ interviewSessions(${args}) { nodes { id title } pageInfo { endCursor } } }`);
  expect(statements).toHaveLength(1);
  return statements[0]!;
}

async function cursorAfter100(args: string): Promise<string> {
  const response = await graphql(app.url, `{ interviewSessions(first: 100, ${args}) { pageInfo { endCursor } } }`);
  return response.body.data.interviewSessions.pageInfo.endCursor;
}

/** Each order, the index that serves it without a filter and with the status filter, and the direction it is read in. */
const ORDERS = [
  ['CREATED_AT_DESC', 'interview_session_created_at_index', 'interview_session_status_created_at_index', 'Forward'],
  ['CREATED_AT_ASC', 'interview_session_created_at_index', 'interview_session_status_created_at_index', 'Backward'],
  ['SCHEDULED_AT_ASC', 'interview_session_scheduled_at_asc_index', 'interview_session_status_scheduled_at_asc_index', 'Forward'],
  ['SCHEDULED_AT_DESC', 'interview_session_scheduled_at_desc_index', 'interview_session_status_scheduled_at_desc_index', 'Forward'],
  ['UPDATED_AT_DESC', 'interview_session_updated_at_index', 'interview_session_status_updated_at_index', 'Forward'],
] as const;

const CASES = ORDERS.flatMap(([order, index, statusIndex, direction]) => [
  { order, filter: '', index, direction },
  { order, filter: ', filter: { status: IN_PROGRESS }', index: statusIndex, direction },
]);

describe.each([
  ['custom', customPlan, /'/],
  ['generic', genericPlan, /\$\d/],
])('the list query, %s plan', (_kind, planOf, cursorValue) => {
  it.each(CASES)('is a scan of $index with no Sort: $order$filter', async ({ order, filter, index, direction }) => {
    const nodes = await planOf(await listStatement(`orderBy: ${order}, first: 20${filter}`));
    const types = nodes.map((node) => node['Node Type']);
    expect(types).not.toContain('Sort');
    expect(types).not.toContain('Incremental Sort');
    expect(types).not.toContain('Seq Scan');
    const scan = nodes.find((node) => node['Node Type'].startsWith('Index'));
    expect([scan?.['Index Name'], scan?.['Scan Direction']]).toEqual([index, direction]);
  });

  it.each(CASES)('starts a later page at the cursor, as a condition of $index: $order$filter', async ({ order, filter, index }) => {
    const after = await cursorAfter100(`orderBy: ${order}${filter}`);
    const nodes = await planOf(await listStatement(`orderBy: ${order}, first: 20, after: "${after}"${filter}`));
    const scan = nodes.find((node) => node['Node Type'].startsWith('Index'));
    expect(nodes.map((node) => node['Node Type'])).not.toContain('Sort');
    expect(scan?.['Index Name']).toBe(index);
    // The row comparison with the cursor bounds the scan; as a Filter it would walk every earlier row.
    expect(scan?.['Index Cond']).toMatch(/ROW\(.*\bid\) [<>] ROW\(/);
    // The cursor's values as literals (custom) or as parameters (generic): the plan is the kind it says.
    expect(scan?.['Index Cond']).toMatch(cursorValue);
    expect(scan?.Filter ?? '').not.toMatch(/ROW\(/);
  });
});

describe.each([
  ['custom', customPlan],
  ['generic', genericPlan],
])("a page of sessions' feedback, %s plan", (_kind, planOf) => {
  const FEEDBACK_INDEX = 'interview_feedback_session_created_at_index';
  const feedbackStatements = async (feedbackArgs: string) =>
    statementsOf(`{ interviewSessions(first: 20) { nodes { feedback(${feedbackArgs}) { totalCount nodes { rating } } averageRating } } }`);

  it.each([
    ['from the newest', 'first: 3'],
    ['after a cursor', 'first: 3, after: CURSOR'],
  ])("reads each session's page from its entries of the index, %s; a Sort, if any, sorts one session's", async (_case, args) => {
    const [session] = await app.db.query<{ id: string }>(`select session_id as id from interview_feedback limit 1`);
    const page = await graphql(app.url, `{ interviewSession(id: "${session!.id}") { feedback(first: 1) { pageInfo { endCursor } } } }`);
    const cursor: string = page.body.data.interviewSession.feedback.pageInfo.endCursor;
    const document = `{ interviewSession(id: "${session!.id}") { feedback(${args.replace('CURSOR', `"${cursor}"`)}) { nodes { rating interviewerName } } } }`;
    const statements = args.includes('after') ? await statementsOf(document) : await feedbackStatements(args);
    const nodes = await planOf(statements.find(({ sql }) => sql.includes('cross join lateral'))!);
    expect(nodes.map((node) => node['Node Type'])).not.toContain('Seq Scan');
    const scan = nodes.find((node) => node['Index Name'] === FEEDBACK_INDEX);
    expect(scan?.['Index Cond']).toMatch(
      args.includes('after') ? /session_id = parent\.key\) AND \(ROW\(created_at, id\) < ROW\(/ : /session_id = parent\.key/,
    );
    // Above the sessions' unnest, a Sort would sort every session's feedback: there is none.
    const sorts = nodes.filter((node) => node['Node Type'] === 'Sort');
    expect(sorts.filter((sort) => flatten(sort).some((node) => node['Node Type'] === 'Function Scan'))).toEqual([]);
  });

  it("counts and averages every session's feedback from the index alone", async () => {
    const aggregate = (await feedbackStatements('first: 3')).find(({ sql }) => sql.includes('avg('));
    const nodes = await planOf(aggregate!);
    const scan = nodes.find((node) => node['Node Type'].startsWith('Index'));
    expect([scan?.['Node Type'], scan?.['Index Name']]).toEqual(['Index Only Scan', FEEDBACK_INDEX]);
    expect(nodes.map((node) => node['Node Type'])).not.toContain('Seq Scan');
  });
});
