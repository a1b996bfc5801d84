import { isDeepStrictEqual } from 'node:util';
import type { TestApp } from '../support/test-app';
import type { Case, GraphQLBody } from './case';
import { excerpt, summary } from './descriptions';
import { STATUS_KEYS } from './documents';
import { GRAPHQL_STATUS, type Model, type Status } from './model';
import type { Finding } from './report';
import { JSON_HEADERS } from './request';
import { send } from './send';

/** The server's state against the model, at moments when no case is in flight. */

/** Every count the API gives (all sessions, and per status) must match the model. */
export async function checkCounts(baseUrl: string, model: Model): Promise<Finding | undefined> {
  const query = `{ all: interviewSessions { totalCount } ${[...STATUS_KEYS].map((key) => `${key}: interviewSessions(filter: { status: ${key} }) { totalCount }`).join(' ')} }`;
  const fuzzCase: Case = {
    label: 'checkpoint: counts against the model',
    request: { method: 'POST', path: '/graphql', headers: JSON_HEADERS, body: JSON.stringify({ query }) },
  };
  const reply = await send(baseUrl, fuzzCase.request);
  let data: Record<string, { totalCount: number }> | undefined;
  try {
    data = (JSON.parse(reply.text ?? '') as GraphQLBody).data ?? undefined;
  } catch {
    data = undefined;
  }
  const expected: Record<string, number> = { all: model.rows.size };
  for (const [status, name] of Object.entries(GRAPHQL_STATUS)) expected[name] = model.count(status as Status);
  const actual = Object.fromEntries(Object.entries(data ?? {}).map(([key, value]) => [key, value.totalCount]));
  if (isDeepStrictEqual(actual, expected)) return undefined;
  return {
    fuzzCase,
    reply,
    problem: { category: 'counts disagree with the model', detail: `expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}` },
  };
}

/**
 * The table must hold exactly the model's rows, in the model's status and with its text, and
 * walking every page must give every row once. Returns the table's size and what disagrees.
 */
export async function checkTable(app: TestApp, model: Model): Promise<{ tableRows: number; problems: string[] }> {
  const rows = await app.db.query<{ id: string; status: string; title: string; candidate_name: string }>(
    'select id, status, title, candidate_name from interview_session',
  );
  const actual = Object.fromEntries(
    rows.map((row) => [row.id, { status: row.status, title: row.title, candidateName: row.candidate_name }]),
  );
  const expected = Object.fromEntries([...model.rows.entries()].map(([id, row]) => [id, { ...row }]));
  const problems: string[] = [];
  for (const id of Object.keys(expected)) if (!(id in actual)) problems.push(`missing row ${id} ${summary(expected[id])}`);
  for (const id of Object.keys(actual)) if (!(id in expected)) problems.push(`unexpected row ${id} ${summary(actual[id])}`);
  for (const id of Object.keys(expected)) {
    if (id in actual && !isDeepStrictEqual(actual[id], expected[id]))
      problems.push(`row ${id}: table ${summary(actual[id])}, model ${summary(expected[id])}`);
  }

  // Walking every page must give every row once, newest first.
  const seen: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < 1_000; page++) {
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({
        query:
          'query ($after: String) { interviewSessions(first: 100, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }',
        variables: { after },
      }),
    });
    const body = (await response.json()) as GraphQLBody;
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
  if (!isDeepStrictEqual(new Set(seen), new Set(Object.keys(expected))))
    problems.push(`paging saw ${new Set(seen).size} rows, the model has ${model.rows.size}`);
  return { tableRows: rows.length, problems };
}
