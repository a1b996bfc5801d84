import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import type { Context } from './context';
import type { CostReport } from './cost.plugin';
import { clientErrorOf } from './client-errors';
import { RefusedRequestError } from './refused-request';
import { outcomeOf, refusalOutcomeOf } from './request-outcome';
import { bounded } from '../observability/bounded-text';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { ErrorCode } from '../error-codes';

/** The limit a request hit, by the code its client got: in the log line and the metrics. */
const LIMITS: Readonly<Record<string, string>> = {
  [ErrorCode.QUERY_TOO_DEEP]: 'depth',
  [ErrorCode.TOO_MANY_ALIASES]: 'aliases',
  [ErrorCode.QUERY_TOO_COMPLEX]: 'cost',
  [ErrorCode.QUERY_TOO_LARGE]: 'tokens',
  [ErrorCode.QUERY_TIMED_OUT]: 'statement_timeout',
  [ErrorCode.EXPENSIVE_READS_BUSY]: 'expensive_reads',
  [ErrorCode.RATE_LIMITED]: 'budget',
};

/** Operation names are client-chosen: only tidy ones, and not unboundedly many, become labels. */
const MAX_OPERATION_LABELS = 200;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** The operation label of a request refused before its document was read; no operation name can be it. */
const UNREAD_OPERATION = '(unread)';

/**
 * One log line and one metric sample per GraphQL request: operation, outcome, duration, its cost
 * (what `extensions.cost` told the client, cost.plugin.ts), and the subject (`sub`) of its token,
 * never the token. An unexpected error is logged in full here, with
 * the request id the client also gets. Refusals for credentials and scopes are also counted by
 * reason (`graphql_auth_rejections_total`).
 */
export function requestObservabilityPlugin(logger: Logger, metrics: Metrics): ApolloServerPlugin<Context> {
  const knownOperations = new Set<string>();
  const operationLabel = (name: string | null | undefined): string => {
    if (!name) return 'anonymous';
    if (!OPERATION_NAME.test(name)) return 'other';
    if (knownOperations.has(name)) return name;
    if (knownOperations.size >= MAX_OPERATION_LABELS) return 'other';
    knownOperations.add(name);
    return name;
  };

  return {
    // A request refused for its credentials or its document, or whose context could not be made:
    // Apollo never starts its pipeline, so its line is written here.
    async contextCreationDidFail({ error }) {
      if (!(error instanceof RefusedRequestError)) {
        metrics.observeGraphQLRequest(UNREAD_OPERATION, 'internal', 0);
        logger.error({ err: error }, 'unexpected error while making a request context');
        return;
      }
      const seconds = (performance.now() - error.startedAt) / 1000;
      const { refusal } = error;
      const outcome = refusalOutcomeOf(error);
      let why: Record<string, string>;
      if (refusal.reason === 'credentials') {
        why = { authFailure: refusal.failure.reason };
        metrics.observeAuthRejection(refusal.failure.reason);
      } else {
        why = { document: refusal.document };
        metrics.observeDocumentNotInList('enforce');
      }
      metrics.observeGraphQLRequest(UNREAD_OPERATION, outcome, seconds);
      logger.info(
        {
          requestId: error.requestId,
          operation: null,
          outcome,
          status: error.status,
          durationMs: Math.round(seconds * 10_000) / 10,
          ...why,
        },
        'graphql request',
      );
    },
    async requestDidStart() {
      const started = performance.now();
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) {
            const code = clientErrorOf(error)?.code ?? error.extensions.code;
            const detail = { err: unwrapResolverError(error), requestId: contextValue.requestId, path: error.path };
            if (code === ErrorCode.DATABASE_UNAVAILABLE) logger.warn(detail, 'database unavailable');
            else if (code === ErrorCode.DATABASE_MISCONFIGURED) logger.error(detail, 'database misconfigured');
            else if (!code || code === ErrorCode.INTERNAL_SERVER_ERROR) logger.error(detail, 'unexpected error in a GraphQL request');
          }
        },
        async willSendResponse({ response, operationName, contextValue }) {
          const seconds = (performance.now() - started) / 1000;
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          for (const error of errors ?? []) {
            if (error.extensions?.code === ErrorCode.INTERNAL_SERVER_ERROR) {
              (error.extensions as Record<string, unknown>).requestId = contextValue.requestId;
            }
          }
          const outcome = outcomeOf(errors);
          const limit = limitOf(errors);
          const replayed = contextValue.idempotency?.replayed === true;
          const cost =
            response.body.kind === 'single' ? (response.body.singleResult.extensions?.cost as CostReport | undefined) : undefined;
          metrics.observeGraphQLRequest(operationLabel(operationName), outcome, seconds, limit);
          if (errors) metrics.observeErrorCodes(errors.map((error) => String(error.extensions?.code)));
          if (replayed) metrics.observeIdempotentReplay();
          if (outcome === 'forbidden') metrics.observeAuthRejection('insufficient_scope');
          logger.info(
            {
              requestId: contextValue.requestId,
              sub: bounded(contextValue.principal.subject),
              operation: bounded(operationName) ?? null,
              outcome,
              status: response.http.status ?? 200,
              durationMs: Math.round(seconds * 10_000) / 10,
              ...(cost && { cost: cost.requested }),
              ...(limit && { limit }),
              ...(replayed && { replayed }),
            },
            'graphql request',
          );
        },
      };
    },
  };
}

function limitOf(errors: readonly GraphQLFormattedError[] | undefined): string | undefined {
  for (const error of errors ?? []) {
    const code = error.extensions?.code;
    if (typeof code === 'string' && code in LIMITS) return LIMITS[code];
  }
  return undefined;
}
