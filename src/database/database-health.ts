import type { MikroORM } from '@mikro-orm/postgresql';
import { databaseProblemOf, type DatabaseProblem } from './database-problem';

export type DatabaseHealth = { latencyMs: number } & (
  | { status: 'ok' }
  | ({
      status: 'unavailable';
      /** The database answered, and what is wrong is inside it: tables missing. */
      answered: boolean;
    } & DatabaseProblem)
);

const CHECK_TIMEOUT_MS = 1_000;

/**
 * Can this server use its database right now? One round trip through the pool that also finds
 * the tables of this API's entities that do not exist (migrations not applied). The readiness
 * probe and the start-up report both ask this.
 */
export async function checkDatabase(orm: MikroORM, timeoutMs = CHECK_TIMEOUT_MS): Promise<DatabaseHealth> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<DatabaseHealth>((resolve) => {
    timer = setTimeout(() => resolve(unavailable({ kind: 'unreachable', reason: `no answer within ${timeoutMs} ms` }, false)), timeoutMs);
  });
  const unavailable = (problem: DatabaseProblem, answered: boolean): DatabaseHealth => ({
    status: 'unavailable',
    answered,
    ...problem,
    latencyMs: Math.round(performance.now() - started),
  });
  const check = missingTables(orm).then(
    (missing): DatabaseHealth =>
      missing.length === 0
        ? { status: 'ok', latencyMs: Math.round(performance.now() - started) }
        : unavailable(
            {
              kind: 'misconfigured',
              reason: `the table ${missing.join(', ')} is missing: apply the migrations (npm run migration:up) to the database in DATABASE_URL`,
            },
            true,
          ),
    (error: unknown) => unavailable(databaseProblemOf(error) ?? { kind: 'unreachable', reason: 'database check failed' }, false),
  );
  try {
    return await Promise.race([check, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function missingTables(orm: MikroORM): Promise<string[]> {
  const tables = new Set(
    Object.values(orm.getMetadata().getAll())
      .filter((meta) => !meta.embeddable && !meta.virtual)
      .map((meta) => meta.tableName),
  );
  const rows = await orm.em
    .getConnection()
    .execute<{ missing: string }[]>(
      `select t as missing from unnest(string_to_array(?, ',')) as t where to_regclass(format('%I', t)) is null`,
      [[...tables].join(',')],
    );
  return rows.map((row) => row.missing);
}
