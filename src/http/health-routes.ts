import type { FastifyInstance } from 'fastify';
import type { DatabaseHealth } from '../database/database-health';
import type { ReplicaState } from '../database/replicas/replica-aware-driver';

/** What decides whether this instance is ready: the drain before a stop, or its database's health and its replicas. */
export type InstanceState = { draining: true } | { draining: false; database: DatabaseHealth; replicas: readonly ReplicaState[] };

/** What /health/ready answers: ready or not, and a report that says why, never where the database is. */
function readinessOf(state: InstanceState): { ready: boolean; report: object } {
  // Draining, the database is not even asked: load balancers must take the instance out.
  if (state.draining) return { ready: false, report: { status: 'unavailable', reason: 'shutting down' } };
  const { database, replicas } = state;
  const { status, latencyMs } = database;
  const report = {
    status,
    database: database.status === 'ok' ? { status, latencyMs } : { status, reason: database.reason, latencyMs },
    // A replica that is down does not make the instance unready: reads then go to the primary.
    ...(replicas.length > 0 && { replicas }),
  };
  return { ready: status === 'ok', report };
}

/**
 * Probes for orchestrators and load balancers; no auth, no GraphQL.
 * - /health/live: the process runs and its event loop answers. Never touches the database, so
 *   an outage does not get healthy instances restarted.
 * - /health/ready: 200 when this instance can serve, else 503; the report says why. From SIGTERM
 *   on it is 503 (`shutting down`) while requests are still served: the signal for load balancers
 *   to take this instance out before it stops accepting.
 */
export function registerHealthRoutes(app: FastifyInstance, instanceState: () => Promise<InstanceState>): void {
  app.get('/health/live', async () => ({ status: 'ok' }));
  app.get('/health/ready', async (_request, reply) => {
    const { ready, report } = readinessOf(await instanceState());
    return reply.code(ready ? 200 : 503).send(report);
  });
}
