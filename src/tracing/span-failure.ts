import { SpanStatusCode, type Span } from '@opentelemetry/api';
import { GraphQLError } from 'graphql';
import { clientErrorOf } from '../graphql/client-errors';

/**
 * What failed, as a span's `error.type`: the code a client gets for this error
 * (graphql/client-errors.ts: DATABASE_UNAVAILABLE, QUERY_TIMED_OUT, NOT_FOUND…, or a GraphQL
 * error's own code), else `fallback`, else the error's class for an unexpected one.
 */
function errorTypeOf(error: unknown, fallback?: string): string {
  const code = clientErrorOf(error)?.code ?? (error instanceof GraphQLError ? error.extensions.code : undefined);
  if (typeof code === 'string') return code;
  return fallback ?? (error instanceof Error ? error.constructor.name : '_OTHER');
}

/**
 * Marks a span failed: status ERROR described by the error's type, and `error.type`. Not the
 * error's message: PostgreSQL words some failures with the value it refused (`invalid input
 * syntax for type uuid: "…"`), and a trace must carry no client data. The request's log line,
 * which carries the trace id, has the whole error.
 */
export function recordFailure(span: Span, error: unknown, fallback?: string): void {
  const type = errorTypeOf(error, fallback);
  span.setAttribute('error.type', type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: type });
}
