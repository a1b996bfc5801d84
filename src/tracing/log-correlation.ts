import { context, trace } from '@opentelemetry/api';

/**
 * The trace and span a log line is written in (a request's operation span), so that the line
 * leads to its trace. A new object each time: pino merges the line's own fields into it.
 */
export function traceFields(): object {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
}
