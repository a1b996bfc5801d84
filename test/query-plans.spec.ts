import { graphql } from './support/graphql-client';
import { ifSetUp } from './support/if-set-up';
import { startTestApp, type TestApp } from './support/test-app';

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
  // Enough rows, spread over statuses and time, for the planner to choose as it would in production.
  await app.db.query(`
    insert into interview_session (id, title, candidate_name, status, created_at, updated_at)
    select gen_random_uuid(), 'Session ' || n, 'Candidate ' || n,
           (array['scheduled', 'in_progress', 'completed', 'completed', 'cancelled'])[1 + n % 5],
           now() - (n % 40000) * interval '10 minutes', now()
    from generate_series(1, 60000) n`);
  await app.db.query('analyze interview_session');
});
afterAll(async () => {
  await ifSetUp(app)?.stop();
});

/** The SQL the server itself ran for a GraphQL list query, with its parameters inlined. */
async function listSql(args: string): Promise<string> {
  const knex = app.database.orm.em.getConnection().getKnex();
  const statements: string[] = [];
  const record = (query: { sql: string; bindings: string[] }) => statements.push(knex.raw(query.sql, query.bindings).toQuery());
  knex.on('query', record);
  try {
    const response = await graphql(app.url, `{ interviewSessions(${args}) { nodes { id } pageInfo { endCursor } } }`);
    expect(response.body.errors).toBeUndefined();
  } finally {
    knex.off('query', record);
  }
  const [select] = statements.filter((sql) => sql.startsWith('select'));
  return select!;
}

async function plan(sql: string): Promise<PlanNode[]> {
  const [row] = await app.db.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(`explain (format json) ${sql}`);
  const flatten = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(flatten)];
  return flatten(row!['QUERY PLAN'][0].Plan);
}

async function deepCursor(filter: string): Promise<string> {
  const response = await graphql(app.url, `{ interviewSessions(first: 100${filter}) { pageInfo { endCursor } } }`);
  return response.body.data.interviewSessions.pageInfo.endCursor;
}

describe('the list query plan', () => {
  it.each([
    ['newest first', 'first: 20', 'interview_session_created_at_index'],
    ['filtered by status', 'first: 20, filter: { status: IN_PROGRESS }', 'interview_session_status_created_at_index'],
  ])('is an index scan with no Sort, %s', async (_case, args, index) => {
    const nodes = await plan(await listSql(args));
    const types = nodes.map((node) => node['Node Type']);
    expect(types).not.toContain('Sort');
    expect(types).not.toContain('Incremental Sort');
    expect(types).not.toContain('Seq Scan');
    expect(nodes.find((node) => node['Node Type'].startsWith('Index'))?.['Index Name']).toBe(index);
  });

  it.each([
    ['newest first', ''],
    ['filtered by status', ', filter: { status: IN_PROGRESS }'],
  ])('starts a later page at the cursor, as an index condition, %s', async (_case, filter) => {
    const after = await deepCursor(filter);
    const nodes = await plan(await listSql(`first: 20, after: "${after}"${filter}`));
    const scan = nodes.find((node) => node['Node Type'].startsWith('Index'));
    expect(nodes.map((node) => node['Node Type'])).not.toContain('Sort');
    expect(scan?.['Index Cond']).toMatch(/\(created_at, id\) < /);
  });
});
