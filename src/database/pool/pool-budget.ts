import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../../observability/logger';
import { onlyRow } from '../only-row';
import { APPLICATION_NAME } from './pool-options';

export interface ConnectionBudget {
  maxConnections: number;
  reserved: number;
  /** Client connections of other applications right now. */
  usedByOthers: number;
  /** What is left for every instance of this server together. */
  available: number;
  /** DB_POOL_MAX × EXPECTED_INSTANCES. */
  needed: number;
}

const BUDGET_SQL = `select
  current_setting('max_connections')::int as "maxConnections",
  current_setting('superuser_reserved_connections')::int
    + coalesce(current_setting('reserved_connections', true)::int, 0) as "reserved",
  (select count(*) from pg_stat_activity
    where backend_type = 'client backend' and application_name is distinct from ?)::int as "usedByOthers"`;

/**
 * At start: would every instance's full pool fit in what PostgreSQL allows? A pool that cannot
 * grow to DB_POOL_MAX fails under load with "too many connections", long after deployment.
 * available = max_connections − reserved connections − connections of other applications;
 * needed = DB_POOL_MAX × EXPECTED_INSTANCES. Only warns: the database may be down at start.
 */
export interface BudgetOptions {
  poolMax: number;
  expectedInstances: number;
}

export async function checkConnectionBudget(
  orm: MikroORM,
  { poolMax, expectedInstances }: BudgetOptions,
  logger: Logger,
): Promise<ConnectionBudget | undefined> {
  try {
    const row = onlyRow(
      await orm.em.getConnection().execute<Omit<ConnectionBudget, 'available' | 'needed'>[]>(BUDGET_SQL, [APPLICATION_NAME]),
    );
    const budget = { ...row, available: row.maxConnections - row.reserved - row.usedByOthers, needed: poolMax * expectedInstances };
    if (budget.needed > budget.available) {
      logger.warn(
        { ...budget, poolMax, expectedInstances },
        `connection budget exceeded: DB_POOL_MAX (${poolMax}) × EXPECTED_INSTANCES (${expectedInstances}) = ${budget.needed} connections, ` +
          `but PostgreSQL has room for ${budget.available} (max_connections ${budget.maxConnections} − ${budget.reserved} reserved − ${budget.usedByOthers} used by other applications)`,
      );
    } else {
      logger.info({ ...budget, poolMax, expectedInstances }, 'connection budget fits');
    }
    return budget;
  } catch (error) {
    logger.warn({ err: error }, 'could not check the connection budget: the database is not reachable yet');
    return undefined;
  }
}
