import { Client } from 'pg';
import { APPLICATION_NAME } from '../../src/database/pool/pool-options';
import type { TestDatabase } from './test-database';

const held = new Set<Client>();

/**
 * A session of the test's own holding `lock table interview_session` in a transaction: every
 * query of the server on that table waits, holding its pool connection, until `commit` (or
 * `end`, which rolls back). The way tests make requests slow without a slow endpoint.
 */
export async function lockSessionsTable(databaseUrl: string): Promise<Client> {
  const blocker = await blockingSession(databaseUrl);
  await blocker.query('lock table interview_session in access exclusive mode');
  return blocker;
}

/** A session of the test's own holding one session's row (`for update`) until `commit`: writes of that row wait. */
export async function lockSessionRow(databaseUrl: string, id: string): Promise<Client> {
  const blocker = await blockingSession(databaseUrl);
  await blocker.query('select id from interview_session where id = $1 for update', [id]);
  return blocker;
}

/** Ends the blocking sessions a test left open (their transactions roll back: the locks go); for afterEach. */
export async function releaseTableLocks(): Promise<void> {
  await Promise.all([...held].map((blocker) => blocker.end().catch(() => undefined)));
}

/** How many of the server's queries on this database wait for a lock right now (pg_stat_activity). */
export async function serverQueriesWaitingOnLocks(db: { query: TestDatabase['query'] }): Promise<number> {
  const [row] = await db.query<{ count: number }>(
    `select count(*)::int as count from pg_stat_activity
     where datname = current_database() and application_name = $1 and wait_event_type = 'Lock'`,
    [APPLICATION_NAME],
  );
  return row!.count;
}

/** A session of the test's own with a transaction begun, ended by releaseTableLocks if the test does not. */
async function blockingSession(databaseUrl: string): Promise<Client> {
  const blocker = new Client({ connectionString: databaseUrl, application_name: 'test-blocker' });
  await blocker.connect();
  held.add(blocker);
  blocker.once('end', () => held.delete(blocker));
  await blocker.query('begin');
  return blocker;
}
