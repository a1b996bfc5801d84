import { graphql } from './support/graphql-client';
import { ifSetUp } from './support/if-set-up';
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
  await app.db.query('analyze interview_session');
}, 300_000);
afterAll(async () => {
  await ifSetUp(app)?.stop();
});

interface Statement {
  sql: string;
  bindings: unknown[];
}

/** The statements the server itself ran for a document, as it sent them (knex's `?` placeholders). */
async function statementsOf(document: string): Promise<Statement[]> {
  const knex = app.database.orm.em.getConnection().getKnex();
  const statements: Statement[] = [];
  const record = (query: Statement) => statements.push({ sql: query.sql, bindings: query.bindings });
  knex.on('query', record);
  try {
    const response = await graphql(app.url, document);
    expect(response.body.errors).toBeUndefined();
  } finally {
    knex.off('query', record);
  }
  return statements;
}

const numbered = (sql: string) => {
  let position = 0;
  return sql.replace(/\?/g, () => `$${++position}`);
};
/** A value the server binds (text, a number, null) as an SQL literal. */
const literal = (value: unknown) =>
  value === null ? 'null' : typeof value === 'number' ? String(value) : `'${(value as string).replace(/'/g, "''")}'`;
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
