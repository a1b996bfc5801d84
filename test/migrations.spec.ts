import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ifSetUp } from './support/if-set-up';
import { createTestDatabase, type TestDatabase } from './support/test-database';

const run = promisify(execFile);
const ROOT = join(__dirname, '..');
const MIGRATIONS = readdirSync(join(ROOT, 'src/migrations'))
  .filter((file) => /^Migration\d+.*\.ts$/.test(file))
  .map((file) => file.replace(/\.ts$/, ''))
  .sort();

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await ifSetUp(db)?.drop();
});

/** The MikroORM CLI, exactly as a developer runs it from the repository root (`env`: more of the environment). */
async function cli(...args: string[]): Promise<string> {
  return cliWith({}, ...args);
}

async function cliWith(env: Record<string, string>, ...args: string[]): Promise<string> {
  const { stdout, stderr } = await run('npx', ['mikro-orm', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env, DATABASE_URL: db.url, FORCE_COLOR: '0', NO_COLOR: '1' },
  });
  return stdout + stderr;
}

const tables = async () =>
  (await db.query<{ tablename: string }>(`select tablename from pg_tables where schemaname = 'public' order by 1`)).map(
    (row) => row.tablename,
  );
/** A table's indexes: their definitions from USING on ("btree (id)"), by name. */
const indexesOf = async (table: string) =>
  Object.fromEntries(
    (
      await db.query<{ indexname: string; indexdef: string }>(
        `select indexname, indexdef from pg_indexes where tablename = $1 order by 1`,
        [table],
      )
    ).map((index) => [index.indexname, index.indexdef.replace(/^.* USING /, '')]),
  );
const applied = async () => (await db.query<{ name: string }>(`select name from mikro_orm_migrations order by id`)).map((row) => row.name);

describe('migrations, through `npx mikro-orm`', () => {
  it('go up, down one, down to zero and up again, leaving the schema exactly as the entities describe it', async () => {
    expect(await cli('migration:pending')).toContain(MIGRATIONS[0]);

    await cli('migration:up');
    expect(await applied()).toEqual(MIGRATIONS);
    expect(await tables()).toContain('interview_session');
    expect(await cli('migration:list')).toContain(MIGRATIONS.at(-1));
    expect(await cli('migration:check')).toMatch(/No changes required/);

    await cli('migration:down');
    expect(await applied()).toEqual(MIGRATIONS.slice(0, -1));

    await cli('migration:up');
    await cli('migration:down', '--to', '0');
    expect(await applied()).toEqual([]);
    expect(await tables()).not.toContain('interview_session');

    await cli('migration:up');
    expect(await applied()).toEqual(MIGRATIONS);
    expect(await cli('migration:check')).toMatch(/No changes required/);
    // Nine CLI runs of ~3 s each (node, ts-node, MikroORM, a connection) on an idle machine; a
    // busy one, running the other spec files alongside, takes twice that and more.
  }, 120_000);

  it('go down to the first and up again on a database that holds data, keeping every row', async () => {
    await cli('migration:up');
    await db.query(
      `insert into interview_session (id, title, candidate_name, status, scheduled_at, created_at, updated_at)
       select gen_random_uuid(), 'kept ' || n, 'Ada', 'completed', case when n > 1 then now() end, now(), now()
       from generate_series(1, 3) as n`,
    );
    await db.query(
      `insert into interview_feedback (id, session_id, interviewer_name, rating, created_at)
       select gen_random_uuid(), id, 'Grace', 4, now() from interview_session`,
    );
    for (const _later of MIGRATIONS.slice(1)) await cli('migration:down');
    expect(await applied()).toEqual(MIGRATIONS.slice(0, 1));
    expect(await tables()).not.toContain('idempotency_key');
    expect(await tables()).not.toContain('interview_feedback');
    expect(await indexesOf('interview_session')).not.toHaveProperty('interview_session_scheduled_at_asc_index');
    expect(await db.query(`select proname from pg_proc where proname = 'claim_idempotency_key'`)).toEqual([]);

    await cli('migration:up');
    // Rows that existed before the version column start at version 1, as new ones do.
    expect(await db.query('select title, version from interview_session order by title')).toEqual([
      { title: 'kept 1', version: 1 },
      { title: 'kept 2', version: 1 },
      { title: 'kept 3', version: 1 },
    ]);
    // The order indexes are built over the rows already there; feedback starts again empty.
    expect(await indexesOf('interview_session')).toHaveProperty('interview_session_scheduled_at_asc_index');
    expect(await db.query('select count(*)::int as count from interview_feedback')).toEqual([{ count: 0 }]);
    expect(await cli('migration:check')).toMatch(/No changes required/);
  }, 120_000);

  it('create the indexes every order of the list needs, filtered or not, by name', async () => {
    expect(await indexesOf('interview_session')).toEqual({
      interview_session_pkey: 'btree (id)',
      interview_session_status_index: 'btree (status)',
      interview_session_created_at_index: 'btree (created_at DESC, id DESC)',
      interview_session_status_created_at_index: 'btree (status, created_at DESC, id DESC)',
      interview_session_scheduled_at_asc_index: "btree (COALESCE(scheduled_at, 'infinity'::timestamp with time zone), id)",
      interview_session_status_scheduled_at_asc_index: "btree (status, COALESCE(scheduled_at, 'infinity'::timestamp with time zone), id)",
      interview_session_scheduled_at_desc_index: "btree (COALESCE(scheduled_at, '-infinity'::timestamp with time zone) DESC, id DESC)",
      interview_session_status_scheduled_at_desc_index:
        "btree (status, COALESCE(scheduled_at, '-infinity'::timestamp with time zone) DESC, id DESC)",
      interview_session_updated_at_index: 'btree (updated_at DESC, id DESC)',
      interview_session_status_updated_at_index: 'btree (status, updated_at DESC, id DESC)',
    });
  });

  it('create the feedback table with its index for the reads and a foreign key that cascades', async () => {
    expect(await indexesOf('interview_feedback')).toEqual({
      interview_feedback_pkey: 'btree (id)',
      interview_feedback_session_created_at_index: 'btree (session_id, created_at DESC, id DESC) INCLUDE (rating)',
    });
    // 'c': on delete cascade.
    expect(
      await db.query(
        `select confrelid::regclass::text as parent, confdeltype from pg_constraint where conrelid = 'interview_feedback'::regclass and contype = 'f'`,
      ),
    ).toEqual([{ parent: 'interview_session', confdeltype: 'c' }]);
  });

  it("go up over more sessions than the server's statement timeouts let an index build cover: the CLI runs without them", async () => {
    const orders = 'Migration20261204194625';
    await cli('migration:up');
    // Down to and including the migration that builds the order indexes.
    await cli('migration:down', '--to', orders);
    expect(await applied()).toEqual(MIGRATIONS.slice(0, MIGRATIONS.indexOf(orders)));
    await db.query(
      `insert into interview_session (id, title, candidate_name, scheduled_at, created_at, updated_at)
       select gen_random_uuid(), 'Session ' || n, 'Ada', now() + n * interval '1 minute', now() - n * interval '1 minute', now()
       from generate_series(1, 200000) as n`,
    );
    // Each of the six index builds over 200,000 rows takes far longer than 50 ms.
    const output = await cliWith({ DB_STATEMENT_TIMEOUT_MS: '50', DB_QUERY_TIMEOUT_MS: '50' }, 'migration:up');
    expect(output).not.toMatch(/timeout/i);
    expect(await applied()).toEqual(MIGRATIONS);
    expect(await indexesOf('interview_session')).toHaveProperty('interview_session_status_updated_at_index');
  }, 120_000);
});
