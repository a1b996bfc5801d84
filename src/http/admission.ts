import type { FastifyInstance } from 'fastify';
import { ErrorCode } from '../error-codes';
import { sendError } from './error-handlers';
import { GRAPHQL_PATH } from './graphql-route';

/** Seconds a client refused for capacity should wait: long enough to let the requests in flight drain. */
const OVERLOADED_RETRY_AFTER_SECONDS = 1;

/**
 * Admission control: at most `maxInFlight` GraphQL requests at once. Past saturation a request
 * that cannot start at once gets 503 OVERLOADED with Retry-After, before its body is read,
 * instead of queueing behind the others on the one thread and the pool, where every request
 * would wait longer and time out together. The health probes and /metrics are never refused.
 */
export function registerAdmissionControl(app: FastifyInstance, maxInFlight: number, refused: () => void): void {
  let inFlight = 0;
  app.addHook('onRequest', async (request, reply) => {
    if (request.routeOptions.url !== GRAPHQL_PATH || reply.sent) return;
    if (inFlight >= maxInFlight) {
      refused();
      await sendError(
        reply.header('retry-after', String(OVERLOADED_RETRY_AFTER_SECONDS)),
        503,
        ErrorCode.OVERLOADED,
        'The server is at capacity right now; retry later',
      );
      return;
    }
    inFlight++;
    // 'close' comes once the response is sent, or the client went away: either way, a slot is free.
    reply.raw.once('close', () => inFlight--);
  });
}
