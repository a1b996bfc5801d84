import type { ApolloServerPlugin } from '@apollo/server';
import { SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { Context } from '../graphql/context';
import type { OperationCosts } from '../graphql/operation-costs';
import { RefusedRequestError } from '../graphql/refused-request';
import { ErrorCode } from '../error-codes';
import { bounded } from '../observability/bounded-text';
import type { RequestOutcome } from '../observability/metrics';
import { isServerFailure, outcomeOf, refusalOutcomeOf } from '../graphql/request-outcome';
import { recordFailure } from './span-failure';

/**
 * Fills in the operation span (operation-span.ts) once Apollo knows the operation: named
 * `query ListSessions` as OpenTelemetry's GraphQL conventions ask, with the document's hash (the
 * SHA-256 Apollo keys its cache with), its cost and, at the end, its outcome and error codes.
 * The span fails (status ERROR) only when the server did (500, 503), as an HTTP server span does.
 * Parsing and validation get spans of their own when they run: a cached document skips both.
 */
export function graphqlSpansPlugin(tracer: Tracer, costs: OperationCosts): ApolloServerPlugin<Context> {
  return {
    async contextCreationDidFail({ error }) {
      const span = trace.getActiveSpan();
      if (!span?.isRecording()) return;
      if (error instanceof RefusedRequestError) setOutcome(span, refusalOutcomeOf(error), [String(error.extensions.code)]);
      else recordFailure(span, error);
    },
    async requestDidStart() {
      const span = trace.getActiveSpan();
      if (!span?.isRecording()) return;
      return {
        async parsingDidStart() {
          return endedWith(tracer.startSpan('graphql.parse'), ErrorCode.GRAPHQL_PARSE_FAILED);
        },
        async validationDidStart() {
          const end = endedWith(tracer.startSpan('graphql.validate'), ErrorCode.GRAPHQL_VALIDATION_FAILED);
          return async (errors) => end(errors?.[0]);
        },
        async didResolveOperation({ operation, operationName, queryHash }) {
          if (!operation) return;
          const name = bounded(operationName);
          span.updateName(name ? `${operation.operation} ${name}` : operation.operation);
          span.setAttributes({
            'graphql.operation.type': operation.operation,
            ...(name && { 'graphql.operation.name': name }),
            'graphql.document.hash': queryHash,
            'graphql.operation.cost': costs.of(operation),
          });
        },
        async willSendResponse({ response }) {
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          const codes = new Set((errors ?? []).map((error) => String(error.extensions?.code)));
          setOutcome(span, outcomeOf(errors), [...codes]);
        },
      };
    },
  };
}

function setOutcome(span: Span, outcome: RequestOutcome, codes: string[]): void {
  span.setAttribute('graphql.outcome', outcome);
  if (codes.length > 0) span.setAttribute('graphql.error.codes', codes);
  if (!isServerFailure(outcome)) return;
  // The first code names the failure, as recordFailure does for the spans below this one.
  span.setAttribute('error.type', codes[0] ?? outcome);
  span.setStatus({ code: SpanStatusCode.ERROR, message: codes.join(', ') });
}

/** Apollo's end hook for a stage: ends its span, failed with the stage's error if it had one (the limits have codes of their own). */
function endedWith(span: Span, stageCode: string) {
  return async (error?: Error) => {
    if (error) recordFailure(span, error, stageCode);
    span.end();
  };
}
