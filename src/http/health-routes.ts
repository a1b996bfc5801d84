import type { MikroORM } from '@mikro-orm/postgresql';
import type { FastifyInstance } from 'fastify';
import { isDatabaseUnavailable } from '../database/database-unavailable';
import type { ReplicaAwarePostgreSqlDriver } from '../database/replica-aware-driver';

const READINESS_TIMEOUT_MS = 1_000;

/**
 * Probes for orchestrators and load balancers; no auth, no GraphQL.
 * - /health/live: the process runs and its event loop answers. Never touches the database, so
 *   an outage does not get healthy instances restarted.
 * - /health/ready: a `select 1` through the pool answers within a second: this instance can
 *   serve. The reason on failure says what kind of failure, never where the database is.
 *   Read replicas are listed with their state; one that is down does not make the instance
 *   unready, since reads then go to the primary.
 */
export function registerHealthRoutes(app: FastifyInstance, orm: MikroORM): void {
  app.get('/health/live', async () => ({ status: 'ok' }));

  app.get('/health/ready', async (_request, reply) => {
    const started = performance.now();
    const reason = await databaseProblem(orm);
    const latencyMs = Math.round(performance.now() - started);
    const replicas = (orm.em.getDriver() as ReplicaAwarePostgreSqlDriver).replicaStates;
    const detail = replicas.length > 0 ? { replicas } : {};
    if (!reason) return { status: 'ok', database: { status: 'ok', latencyMs }, ...detail };
    return reply.code(503).send({ status: 'unavailable', database: { status: 'unavailable', reason, latencyMs }, ...detail });
  });
}

async function databaseProblem(orm: MikroORM): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${READINESS_TIMEOUT_MS} ms`), READINESS_TIMEOUT_MS);
  });
  const check = orm.em
    .getConnection()
    .execute('select 1')
    .then(
      () => undefined,
      (error: unknown) => (isDatabaseUnavailable(error) ? 'database unreachable' : 'database check failed'),
    );
  try {
    return await Promise.race([check, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
