import { Client } from 'pg';

/**
 * A session of the test's own holding `lock table interview_session` in a transaction: every
 * query of the server on that table waits, holding its pool connection, until `commit` (or
 * `end`, which rolls back). The way tests make requests slow without a slow endpoint.
 */
export async function lockSessionsTable(databaseUrl: string): Promise<Client> {
  const blocker = new Client({ connectionString: databaseUrl, application_name: 'test-blocker' });
  await blocker.connect();
  await blocker.query('begin');
  await blocker.query('lock table interview_session in access exclusive mode');
  return blocker;
}
