import type { MikroORM } from '@mikro-orm/postgresql';
import type { FastifyInstance } from 'fastify';
import { checkDatabase } from '../database/database-health';
import type { ReplicaAwarePostgreSqlDriver } from '../database/replica-aware-driver';

/**
 * Probes for orchestrators and load balancers; no auth, no GraphQL.
 * - /health/live: the process runs and its event loop answers. Never touches the database, so
 *   an outage does not get healthy instances restarted.
 * - /health/ready: the database answers within a second and has this API's tables: this
 *   instance can serve. The reason on failure says what is wrong and which setting to check,
 *   never where the database is. Read replicas are listed with their state; one that is down
 *   does not make the instance unready, since reads then go to the primary.
 */
export function registerHealthRoutes(app: FastifyInstance, orm: MikroORM): void {
  app.get('/health/live', async () => ({ status: 'ok' }));

  app.get('/health/ready', async (_request, reply) => {
    const health = await checkDatabase(orm);
    const replicas = (orm.em.getDriver() as ReplicaAwarePostgreSqlDriver).replicaStates;
    const detail = replicas.length > 0 ? { replicas } : {};
    if (health.status === 'ok') return { status: 'ok', database: { status: 'ok', latencyMs: health.latencyMs }, ...detail };
    const { reason, latencyMs } = health;
    return reply.code(503).send({ status: 'unavailable', database: { status: 'unavailable', reason, latencyMs }, ...detail });
  });
}
