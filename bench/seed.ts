/**
 * Seeds the benchmark database: `npx ts-node --transpile-only bench/seed.ts` (run.ts calls it too).
 *
 *   BENCH_DATABASE_URL  default postgresql://postgres@127.0.0.1:5432/interview_sessions_bench
 *   BENCH_ROWS          default 1000000
 *
 * Creates the database if missing, applies the project's own migrations (MikroORM migrator), then
 * fills `interview_session` with one set-based INSERT … SELECT … FROM generate_series. The data is
 * deterministic apart from its anchor (the seed time): hashes of the row number stand in for
 * random(). A marker table, `bench_seed`, records the row count and the seed time, so a later run
 * with the same BENCH_ROWS reuses the data; rows created after the seed time (by the benchmark's
 * mutations) are deleted, so every run starts from the same table.
 */
import 'reflect-metadata';
import { MikroORM } from '@mikro-orm/postgresql';
import { Client } from 'pg';
import { loadConfig } from '../src/config/config';
import { onlyRow } from '../src/database/only-row';
import { createMigrationOptions } from '../src/database/orm-options';
import { entities } from '../src/modules';

export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/interview_sessions_bench';

export interface SeedResult {
  rows: number;
  /** Every seeded row has created_at <= seededAt; later rows are the benchmark's own. */
  seededAt: Date;
  reused: boolean;
  seconds: number;
}

// Titles and names: 12 × 6 × 8 titles, 40 × 40 names (+ a middle initial for some).
const LEVELS = ['Junior', 'Mid-level', 'Senior', 'Staff', 'Principal', 'Lead'];
const ROLES = [
  'Backend Engineer',
  'Frontend Engineer',
  'Full-stack Engineer',
  'Data Engineer',
  'SRE',
  'Mobile Engineer',
  'ML Engineer',
  'Security Engineer',
  'QA Engineer',
  'Platform Engineer',
  'Engineering Manager',
  'Product Designer',
];
const ROUNDS = [
  'phone screen',
  'system design',
  'coding',
  'pair programming',
  'behavioural',
  'architecture review',
  'take-home review',
  'final round',
];
const FIRST = [
  'Ada',
  'Alan',
  'Grace',
  'Linus',
  'Margaret',
  'Dennis',
  'Barbara',
  'Ken',
  'Frances',
  'Edsger',
  'Radia',
  'Donald',
  'Hedy',
  'John',
  'Katherine',
  'Tim',
  'Sophie',
  'Guido',
  'Yukihiro',
  'Anders',
  'Chiara',
  'Mateo',
  'Aiko',
  'Oluwaseun',
  'Priya',
  'Wei',
  'Fatima',
  'Jonas',
  'Ingrid',
  'Santiago',
  'Leila',
  'Dmitri',
  'Amara',
  'Noah',
  'Zoë',
  'Rafael',
  'Mei',
  'Kwame',
  'Elif',
  'José',
];
const LAST = [
  'Lovelace',
  'Turing',
  'Hopper',
  'Torvalds',
  'Hamilton',
  'Ritchie',
  'Liskov',
  'Thompson',
  'Allen',
  'Dijkstra',
  'Perlman',
  'Knuth',
  'Lamarr',
  'McCarthy',
  'Johnson',
  'Berners-Lee',
  'Wilson',
  'van Rossum',
  'Matsumoto',
  'Hejlsberg',
  'Rossi',
  'García',
  'Tanaka',
  'Adeyemi',
  'Sharma',
  'Zhang',
  'Haddad',
  'Müller',
  'Larsen',
  'Fernández',
  'Nasser',
  'Ivanov',
  'Okafor',
  'Schmidt',
  'Dubois',
  'Costa',
  'Chen',
  'Mensah',
  'Yılmaz',
  "O'Brien",
];

const sqlArray = (values: string[]) => `array[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ')}]`;
/** One element of a literal array, picked by a hash of the row number (salt k). */
const pick = (values: string[], k: number) => `(${sqlArray(values)})[1 + floor(pg_temp.rnd(i, ${k}) * ${values.length})::int]`;

/** Deterministic "random" in [0, 1) from the row number and a salt: 53 bits of hashint8extended. */
const RND_FUNCTION = `
  create or replace function pg_temp.rnd(i bigint, k bigint) returns float8 language sql immutable parallel safe as
  $$ select (hashint8extended(i, k) & 9007199254740991)::float8 / 9007199254740992 $$`;

/**
 * $1 = row count. now() (the transaction's start) is the seed time: created_at spreads evenly over
 * the two years before it, with jitter, in increasing order of i. A session that has started was
 * planned between its creation and now (so it never starts in the future); the others are planned
 * 1 hour to 14 days after their creation. 5 % have no scheduledAt. 30 % of the cancelled ones were
 * cancelled after they started. updatedAt is the time of the last change.
 */
const INSERT_SQL = `
insert into interview_session
  (id, title, candidate_name, status, scheduled_at, started_at, completed_at, created_at, updated_at)
select
  -- UUID v7: 48 bits of created_at in ms, version 7, variant 10, the rest from md5(i)
  overlay(overlay(overlay(md5(i::text)
    placing lpad(to_hex((extract(epoch from created_at) * 1000)::bigint), 12, '0') from 1 for 12)
    placing '7' from 13 for 1)
    placing substr('89ab', 1 + floor(pg_temp.rnd(i, 20) * 4)::int, 1) from 17 for 1)::uuid,
  title, candidate_name, status, scheduled_at, started_at, completed_at, created_at,
  case status
    when 'scheduled' then created_at
    when 'in_progress' then started_at
    when 'completed' then completed_at
    else least(now(), date_trunc('milliseconds', coalesce(started_at, created_at) + pg_temp.rnd(i, 21) * interval '2 days'))
  end as updated_at
from (
  select i, created_at, title, candidate_name, status,
    case when pg_temp.rnd(i, 9) >= 0.05 then planned_at end as scheduled_at,
    case when has_started then started_at end as started_at,
    case when status = 'completed'
      then least(now(), date_trunc('milliseconds', started_at + (20 + pg_temp.rnd(i, 14) * 100) * interval '1 minute'))
    end as completed_at
  from (
    select *, least(now(), date_trunc('milliseconds', planned_at + pg_temp.rnd(i, 12) * interval '10 minutes')) as started_at
    from (
      select *,
        date_trunc('milliseconds', case
          when has_started then created_at + pg_temp.rnd(i, 10) * least(interval '14 days', (now() - created_at) * 0.8)
          else created_at + interval '1 hour' + pg_temp.rnd(i, 10) * interval '14 days'
        end) as planned_at
      from (
        select *, status in ('in_progress', 'completed') or (status = 'cancelled' and pg_temp.rnd(i, 13) < 0.3) as has_started
        from (
          select i, created_at,
            ${pick(LEVELS, 1)} || ' ' || ${pick(ROLES, 2)} || ' — ' || ${pick(ROUNDS, 3)} as title,
            ${pick(FIRST, 4)} || case when pg_temp.rnd(i, 5) < 0.2 then ' ' || chr(65 + floor(pg_temp.rnd(i, 6) * 26)::int) || '.' else '' end
              || ' ' || ${pick(LAST, 7)} as candidate_name,
            case
              when pg_temp.rnd(i, 8) < 0.55 then 'completed'
              when pg_temp.rnd(i, 8) < 0.75 then 'scheduled'
              when pg_temp.rnd(i, 8) < 0.90 then 'cancelled'
              else 'in_progress'
            end as status
          from (
            select i, date_trunc('milliseconds',
              now() - interval '730 days' + (i - pg_temp.rnd(i, 11)) * (interval '730 days' / $1::int)) as created_at
            from generate_series(1, $1::int) as i
          ) spread
        ) named
      ) started
    ) planned
  ) timed
) finished`;

export function adminUrl(databaseUrl: string): { url: string; database: string } {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  return { url: url.toString(), database };
}

async function ensureDatabase(databaseUrl: string): Promise<void> {
  const admin = adminUrl(databaseUrl);
  const client = new Client({ connectionString: admin.url });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [admin.database]);
    if (!rowCount) await client.query(`create database "${admin.database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

/** The project's own migrations, through the server's own MikroORM options. */
async function migrate(databaseUrl: string, log: (line: string) => void): Promise<string[]> {
  const { database } = loadConfig({ DATABASE_URL: databaseUrl });
  const orm = await MikroORM.init({ ...createMigrationOptions({ ...database, url: databaseUrl }, entities), logger: log, colors: false });
  try {
    return (await orm.migrator.up()).map((migration) => migration.name);
  } finally {
    await orm.close(true);
  }
}

export async function seed(options: { databaseUrl: string; rows: number; log?: (line: string) => void }): Promise<SeedResult> {
  const { databaseUrl, rows } = options;
  const log = options.log ?? ((line: string) => console.error(line));
  const started = performance.now();
  await ensureDatabase(databaseUrl);
  const applied = await migrate(databaseUrl, log);
  if (applied.length > 0) log(`seed: applied migrations ${applied.join(', ')}`);

  const client = new Client({ connectionString: databaseUrl, application_name: 'bench-seed' });
  await client.connect();
  try {
    await client.query('create table if not exists bench_seed (rows integer not null, seeded_at timestamptz(3) not null)');
    const marker = (await client.query<{ rows: number; seeded_at: Date }>('select rows, seeded_at from bench_seed')).rows[0];
    if (marker?.rows === rows) {
      const { seeded, later } = onlyRow(
        (
          await client.query<{ seeded: string; later: string }>(
            `select count(*) filter (where created_at <= $1) as seeded, count(*) filter (where created_at > $1) as later
             from interview_session`,
            [marker.seeded_at],
          )
        ).rows,
      );
      if (Number(seeded) === rows) {
        if (Number(later) > 0) {
          await client.query('delete from interview_session where created_at > $1', [marker.seeded_at]);
          await client.query('vacuum analyze interview_session'); // autovacuum may be off
          log(`seed: removed ${later} rows created by earlier benchmark runs`);
        }
        const seconds = (performance.now() - started) / 1000;
        log(`seed: reusing ${rows} rows seeded at ${marker.seeded_at.toISOString()}`);
        return { rows, seededAt: marker.seeded_at, reused: true, seconds };
      }
      log(`seed: marker says ${rows} rows but the table holds ${seeded}: seeding again`);
    }

    log(`seed: inserting ${rows} rows…`);
    await client.query('begin');
    await client.query(RND_FUNCTION);
    // Feedback goes with its sessions (a foreign key): the benchmark seeds none.
    await client.query('truncate interview_session cascade');
    await client.query('delete from bench_seed');
    await client.query("set local work_mem = '64MB'");
    await client.query(INSERT_SQL, [rows]);
    const { seeded_at } = onlyRow(
      (
        await client.query<{ seeded_at: Date }>(
          "insert into bench_seed (rows, seeded_at) values ($1, date_trunc('milliseconds', now())) returning seeded_at",
          [rows],
        )
      ).rows,
    );
    await client.query('commit');
    const inserted = performance.now();
    log(`seed: inserted in ${((inserted - started) / 1000).toFixed(1)} s; rebuilding indexes, vacuum analyze…`);
    // Rows arrive in created_at order: the (created_at desc) indexes then fill only half of each page.
    // REINDEX rebuilds every index from its own definition (no copy of the migration's DDL here).
    await client.query("set maintenance_work_mem = '256MB'");
    await client.query('reindex table interview_session');
    await client.query('vacuum analyze interview_session');
    const seconds = (performance.now() - started) / 1000;
    log(`seed: ${rows} rows ready in ${seconds.toFixed(1)} s`);
    return { rows, seededAt: seeded_at, reused: false, seconds };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

export function benchRows(): number {
  const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);
  if (!Number.isInteger(rows) || rows < 10_000)
    throw new Error(`BENCH_ROWS must be a whole number >= 10000 (got ${process.env.BENCH_ROWS})`);
  return rows;
}

if (require.main === module) {
  seed({ databaseUrl: process.env.BENCH_DATABASE_URL ?? DEFAULT_DATABASE_URL, rows: benchRows() }).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
