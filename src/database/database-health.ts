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
 * Can this server use its database right now? One round trip through the pool that also finds,
 * for the tables of this API's entities, those that do not exist (migrations not applied) and
 * those its user may not read and write (privileges not granted): a server that can connect but
 * not use its tables must not read as ready. The readiness probe and the start-up report both
 * ask this.
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
  const check = tableProblems(orm).then(
    (problem): DatabaseHealth =>
      problem === undefined ? { status: 'ok', latencyMs: Math.round(performance.now() - started) } : unavailable(problem, true),
    (error: unknown) => unavailable(databaseProblemOf(error) ?? { kind: 'unreachable', reason: 'database check failed' }, false),
  );
  try {
    return await Promise.race([check, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** What every request may do to a table of this API. */
const PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] as const;

interface TableState {
  table: string;
  missing: boolean;
  /** The privileges of PRIVILEGES the user lacks on it (has_table_privilege checks one at a time). */
  lacking: string[];
}

const TABLE_STATES_SQL = `select t as "table", to_regclass(format('%I', t)) is null as missing,
  array(select privilege from unnest(string_to_array(?, ',')) as privilege
        where to_regclass(format('%I', t)) is not null and not has_table_privilege(to_regclass(format('%I', t)), privilege)) as lacking
  from unnest(string_to_array(?, ',')) as t`;

/** A misconfiguration of the tables, with the command or grant that fixes it; undefined when they are fine. */
async function tableProblems(orm: MikroORM): Promise<DatabaseProblem | undefined> {
  const tables = new Set(
    Object.values(orm.getMetadata().getAll())
      .filter((meta) => !meta.embeddable && !meta.virtual)
      .map((meta) => meta.tableName),
  );
  const states = await orm.em.getConnection().execute<TableState[]>(TABLE_STATES_SQL, [PRIVILEGES.join(','), [...tables].join(',')]);
  const missing = states.filter((state) => state.missing).map((state) => state.table);
  if (missing.length > 0) {
    return {
      kind: 'misconfigured',
      reason: `the table ${missing.join(', ')} is missing: apply the migrations (npm run migration:up) to the database in DATABASE_URL`,
    };
  }
  const refused = states.filter((state) => state.lacking.length > 0);
  if (refused.length === 0) return undefined;
  const grants = refused.map((state) => `${state.lacking.join(', ')} on ${state.table}`).join('; ');
  return {
    kind: 'misconfigured',
    reason: `the user in DATABASE_URL lacks privileges this API needs (${grants}): grant them, or connect as the tables' owner`,
  };
}
