import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export interface TestDatabase {
  name: string;
  url: string;
  /** A query on this database through a connection of the test's own (not the server's pool). */
  query<Row extends object = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
  drop(): Promise<void>;
}

function serverUrl(database: string): string {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error('TEST_DATABASE_URL is not set: jest globalSetup should have set it');
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

/** `url` with its host and port replaced by those of `via` (a TCP proxy, PgBouncer); user, database and parameters kept. */
export function routedThrough(url: string, via: { host: string; port: number }): string {
  const routed = new URL(url);
  routed.hostname = via.host;
  routed.port = String(via.port);
  return routed.toString();
}

/** A fresh, empty database with a unique name, so test files and runs never collide. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `interview_sessions_test_${randomBytes(5).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl('postgres') });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const client = new Client({ connectionString: serverUrl(name), application_name: 'test-inspector' });
  await client.connect();
  return {
    name,
    url: serverUrl(name),
    query: async (sql, params) => (await client.query(sql, params)).rows,
    drop: async () => {
      try {
        await client.end();
        await admin.query(`drop database if exists ${name} with (force)`);
      } finally {
        await admin.end();
      }
    },
  };
}

/**
 * A database on a server of the test's own (a cluster, an embedded-binaries PostgreSQL) that may
 * stop and start under the test: every query opens its own short connection, so nothing breaks
 * when the server restarts. `serverUrl` gives the server's URL for a database name.
 */
export async function createDatabaseOn(serverUrl: (database: string) => string, name: string): Promise<TestDatabase> {
  const once = async <T>(database: string, work: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ connectionString: serverUrl(database), application_name: 'test-inspector' });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  };
  await once('postgres', (client) => client.query(`create database ${name}`));
  return {
    name,
    url: serverUrl(name),
    query: (sql, params) => once(name, async (client) => (await client.query(sql, params)).rows),
    drop: () => once('postgres', (client) => client.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}
