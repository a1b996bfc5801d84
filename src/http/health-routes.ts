import type { FastifyInstance } from 'fastify';

/** Whether this instance can serve, and the report /health/ready answers with. */
export type ReadinessCheck = () => Promise<{ ready: boolean; report: object }>;

/**
 * Probes for orchestrators and load balancers; no auth, no GraphQL.
 * - /health/live: the process runs and its event loop answers. Never touches the database, so
 *   an outage does not get healthy instances restarted.
 * - /health/ready: 200 when this instance can serve, else 503; the report says why, never where
 *   the database is. From SIGTERM on it is 503 (`shutting down`) while requests are still
 *   served: the signal for load balancers to take this instance out before it stops accepting.
 */
export function registerHealthRoutes(app: FastifyInstance, readiness: ReadinessCheck): void {
  app.get('/health/live', async () => ({ status: 'ok' }));
  app.get('/health/ready', async (_request, reply) => {
    const { ready, report } = await readiness();
    return reply.code(ready ? 200 : 503).send(report);
  });
}
