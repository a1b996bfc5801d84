import { join } from 'node:path';
import { expectDatabaseUnavailable, expectOk } from './support/expectations';
import type { GraphQLResponse } from './support/graphql-client';
import { graphql } from './support/graphql-client';
import { health } from './support/health';
import { ifSetUp } from './support/if-set-up';
import { startPgBouncer, type PgBouncer } from './support/pgbouncer';
import { startPrimary, type PostgresCluster } from './support/postgres-cluster';
import { writeOwnedFile } from './support/temp-folders';
import { migrateDatabase, startTestApp, type TestApp } from './support/test-app';
import { createDatabaseOn, type TestDatabase } from './support/test-database';
import { waitFor } from './support/wait-for';

/**
 * A PostgreSQL that answers but refuses this server, for a reason waiting will not heal, is a
 * configuration error, not an outage: one log line at start (level error) names the setting to
 * check, /health/ready gives the same reason, clients get 503 DATABASE_MISCONFIGURED without
 * Retry-After (retrying will not help), and the server keeps running and serves as soon as the
 * cause is fixed.
 *
 * The database is a disposable cluster of the test's own: `app` logs in with a password
 * (scram-sha-256), every other role is trusted on loopback.
 */

const LIST = '{ interviewSessions(first: 1) { nodes { id } } }';
const PASSWORD = 'the-right-one';
const HBA = [
  'local all all                trust',
  'host  all app 127.0.0.1/32   scram-sha-256',
  'host  all all 127.0.0.1/32   trust',
  '',
].join('\n');

let cluster: PostgresCluster;
let databaseCount = 0;
let app: TestApp | undefined;
let pgbouncer: PgBouncer | undefined;

beforeAll(async () => {
  cluster = await startPrimary();
  await writeOwnedFile(join(cluster.dataDir, 'pg_hba.conf'), HBA);
  await cluster.query('select pg_reload_conf()');
  await cluster.query(`create role app login password '${PASSWORD}'`);
}, 60_000);
afterEach(async () => {
  await app?.stop();
  await pgbouncer?.stop();
  app = undefined;
  pgbouncer = undefined;
});
afterAll(() => ifSetUp(cluster)?.destroy());

/** A database owned by `app`, with this API's tables unless `migrated` is false. */
async function appDatabase({ migrated = true } = {}): Promise<TestDatabase> {
  const db = await createDatabaseOn(cluster.url, `misconfigured_${++databaseCount}`);
  await db.query('alter database ' + db.name + ' owner to app');
  await db.query('alter schema public owner to app');
  if (migrated) {
    await migrateDatabase({ ...db, url: urlAs('app', PASSWORD, db.name) });
  }
  return db;
}

function urlAs(user: string, password: string | undefined, database: string): string {
  const url = new URL(cluster.url(database));
  url.username = user;
  url.password = password ?? '';
  return url.toString();
}

/**
 * Starts the server on `url`, then checks everything a misconfiguration promises: the one start
 * line (its level and reason), readiness 503 with that reason, queries 503; then `fix` and the
 * server serves again, without a restart.
 */
async function expectMisconfigured(
  url: string,
  db: TestDatabase,
  reason: RegExp,
  fix: () => Promise<void>,
  env: Record<string, string> = {},
) {
  const lines: string[] = [];
  app = await startTestApp({ DATABASE_URL: url, ...env }, { db, logLines: lines });

  const startLines = lines.map((line) => JSON.parse(line) as { level: number; msg: string; reason?: string });
  const explained = startLines.filter((line) => reason.test(line.msg));
  expect(explained).toHaveLength(1);
  expect(explained[0]!.level).toBe(50); // error, as docs/operations.md promises: not a warning to wait out

  const ready = await health(app.url, '/health/ready');
  expect(ready.status).toBe(503);
  expect(ready.body.database.reason).toMatch(reason);
  expect(JSON.stringify(ready.body)).not.toContain(PASSWORD);
  expectMisconfiguredToClients(await graphql(app.url, LIST));

  await fix();
  const healed = app;
  await waitFor(async () => (await health(healed.url, '/health/ready')).status === 200, 'readiness to turn 200 once fixed');
  expectOk(await graphql(app.url, LIST));
}

/** What clients get: 503, DATABASE_MISCONFIGURED, no Retry-After, nothing of the database in the body. */
function expectMisconfiguredToClients(response: GraphQLResponse): void {
  expect(response.status).toBe(503);
  expect(response.headers.get('retry-after')).toBeNull();
  expect(response.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'DATABASE_MISCONFIGURED' } })]);
  expect(JSON.stringify(response.body)).not.toMatch(/127\.0\.0\.1|5432|select|postgres|app/i);
}

describe('when the database refuses this server for a reason that will not heal by waiting', () => {
  it('no privilege on the tables (42501): names the privileges to grant, and readiness says so; serves once granted', async () => {
    // The tables belong to another role; `app` may connect, and nothing more.
    const db = await createDatabaseOn(cluster.url, `misconfigured_${++databaseCount}`);
    await migrateDatabase(db);
    await expectMisconfigured(
      urlAs('app', PASSWORD, db.name),
      db,
      /lacks privileges this API needs \(SELECT, INSERT, UPDATE, DELETE on /,
      async () => {
        await db.query('grant select, insert, update, delete on all tables in schema public to app');
      },
    );
  });

  it('wrong password (28P01): names the password in DATABASE_URL; serves once the password matches', async () => {
    const db = await appDatabase();
    try {
      await expectMisconfigured(
        urlAs('app', 'a-wrong-one', db.name),
        db,
        /refused the password: check the password in DATABASE_URL/,
        async () => {
          await cluster.query(`alter role app password 'a-wrong-one'`);
        },
      );
    } finally {
      await cluster.query(`alter role app password '${PASSWORD}'`);
    }
  });

  it('unknown role (28000): names the user in DATABASE_URL; serves once the role exists', async () => {
    const db = await appDatabase();
    await expectMisconfigured(urlAs('newcomer', undefined, db.name), db, /refused the login: check the user in DATABASE_URL/, async () => {
      await cluster.query('create role newcomer login in role app');
    });
  });

  it('unknown database (3D000): names the database in DATABASE_URL; serves once it exists and is migrated', async () => {
    const db = await appDatabase({ migrated: false });
    await expectMisconfigured(urlAs('app', PASSWORD, 'not_created_yet'), db, /database named in DATABASE_URL does not exist/, async () => {
      await cluster.query('create database not_created_yet owner app');
      await app!.database.orm.migrator.up();
    });
  });

  it('tables missing (42P01, migrations not applied): names npm run migration:up; serves once migrated', async () => {
    const db = await appDatabase({ migrated: false });
    await expectMisconfigured(urlAs('app', PASSWORD, db.name), db, /npm run migration:up/, async () => {
      await app!.database.orm.migrator.up();
    });
  });

  it('PgBouncer in transaction mode refusing statement_timeout: names DB_TRANSACTION_POOLING=true', async () => {
    const db = await appDatabase();
    pgbouncer = await startPgBouncer({ targetPort: cluster.port, poolMode: 'transaction', ignoreStartupParameters: [] });
    const bouncer = pgbouncer;
    await expectMisconfigured(
      bouncer.urlFor(cluster.url(db.name)),
      db,
      /startup parameter statement_timeout: behind PgBouncer in transaction mode, set DB_TRANSACTION_POOLING=true/,
      // The other fix: PgBouncer told to ignore the parameter (the server then runs without it).
      () => bouncer.reconfigure({ ignoreStartupParameters: ['statement_timeout'] }),
    );
  });
});

describe('when the database has no connection left for this server (53300, too many connections)', () => {
  it('answers 503 DATABASE_UNAVAILABLE with Retry-After, as an outage that heals, and serves once connections are free', async () => {
    const db = await appDatabase();
    await cluster.query('alter role app connection limit 0');
    try {
      app = await startTestApp({ DATABASE_URL: urlAs('app', PASSWORD, db.name), DB_POOL_MIN: '0' }, { db });
      expectDatabaseUnavailable(await graphql(app.url, LIST));
    } finally {
      await cluster.query('alter role app connection limit -1');
    }
    expectOk(await graphql(app.url, LIST));
  });
});

describe('when the database is merely unreachable', () => {
  it('says so at start as a warning that requests get 503 until it is reachable, not as a misconfiguration', async () => {
    const db = await appDatabase();
    const lines: string[] = [];
    const stopped = await startPrimary();
    const unreachable = stopped.url(db.name);
    await stopped.destroy();
    app = await startTestApp({ DATABASE_URL: unreachable }, { db, logLines: lines });
    const startLines = lines.map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(startLines).toContainEqual(
      expect.objectContaining({ level: 40, msg: 'the database is not reachable yet: requests get 503 until it is' }),
    );
    expect(startLines.filter((line) => line.msg.includes('misconfigured'))).toEqual([]);
    expect((await health(app.url, '/health/ready')).body.database.reason).toBe('database unreachable');
  });
});
