import { context, trace, type Tracer } from '@opentelemetry/api';
import type { FastifyRequest } from 'fastify';
import { recordFailure } from './span-failure';

/** The operation span's name until the document is read (OpenTelemetry's GraphQL conventions). */
const UNREAD_OPERATION = 'GraphQL Operation';

/**
 * The span of a GraphQL request, made by the route rather than by an Apollo plugin so that it can
 * be the active span of everything Apollo runs (resolvers, the database) and of the log line;
 * graphql-spans.plugin.ts names it once the operation is known. A child of the request's HTTP
 * span, which @fastify/otel keeps on the request; none when that one is not sampled.
 */
export function operationSpans(tracer: Tracer) {
  return <T>(request: FastifyRequest, run: () => Promise<T>): Promise<T> => {
    const http = request.opentelemetry();
    const parent = http.context ?? context.active();
    // Not sampled: no span, but the request's context still, for the trace id of its log line.
    if (!http.span?.isRecording()) return context.with(parent, run);
    const span = tracer.startSpan(UNREAD_OPERATION, {}, parent);
    return context.with(trace.setSpan(parent, span), async () => {
      try {
        return await run();
      } catch (error) {
        recordFailure(span, error);
        throw error;
      } finally {
        span.end();
      }
    });
  };
}
