import { ApolloServer, type ApolloServerOptionsWithSchema, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import type { GraphQLSchema } from 'graphql';
import { SESSIONS_READ } from '../auth/scopes';
import type { CostBudget } from './budgets/cost-budget';
import type { Config } from '../config/config';
import { idempotencyPlugin } from '../idempotency/idempotency.plugin';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { documentStoreWith, persistedQueriesFrom } from './trusted-documents/apollo-caches';
import type { TrustedDocuments } from './trusted-documents/trusted-documents';
import { unlistedDocumentsPlugin } from './trusted-documents/unlisted-documents.plugin';
import type { Context } from './context';
import { costPlugin } from './cost.plugin';
import { errorStatusPlugin } from './error-status.plugin';
import { formatError } from './format-error';
import { jitGateway } from './jit-executor';
import { mutationResultScopePlugin } from './mutation-result-scope.plugin';
import type { OperationCosts } from './operation-costs';
import { requestObservabilityPlugin } from './request-observability.plugin';
import { variableShapesPlugin } from './variable-shapes.plugin';
import { parseOptions } from './query-limits';
import { apiValidationRules } from './validation-rules';

export interface ApolloServerOptions {
  schema: GraphQLSchema;
  config: Config;
  logger: Logger;
  metrics: Metrics;
  /** Where validation keeps the cost of each operation it accepts, for the requests that run it. */
  costs: OperationCosts;
  /** The manifest's documents, unless TRUSTED_DOCUMENTS=off. */
  trusted?: TrustedDocuments;
  /** Each client's budget of cost points, if CLIENT_COST_BUDGET is set. */
  budget?: CostBudget;
  /** Names each request's operation span (tracing/graphql-spans.plugin.ts); unset: tracing is off. */
  tracingPlugin?: ApolloServerPlugin<Context>;
}

/** Apollo Server as this API runs it: limits, error formatting and statuses, the request log; not started. */
export function createApolloServer({
  schema,
  config,
  logger,
  metrics,
  costs,
  trusted,
  budget,
  tracingPlugin,
}: ApolloServerOptions): ApolloServer<Context> {
  const production = config.nodeEnv === 'production';
  const { introspection, trustedDocuments } = config.graphql;
  return new ApolloServer<Context>({
    ...(config.graphql.executor === 'jit' ? { gateway: jitGateway(schema, trusted?.entries()) } : { schema }),
    introspection,
    includeStacktraceInErrorResponses: false,
    // Production answers without "Did you mean …?" hints that map the schema for an attacker.
    hideSchemaDetailsFromClientErrors: production,
    // The process owns shutdown (main.ts): Apollo's own signal handler would re-raise the signal
    // and kill the process before the pool and the embedded database are closed.
    stopOnTerminationSignals: false,
    csrfPrevention: true,
    formatError,
    validationRules: apiValidationRules(config.graphql.limits, costs),
    // The trusted documents stay parsed, validated and priced, and are what an id names.
    ...(trusted && { documentStore: documentStoreWith(trusted) }),
    persistedQueries: persistedQueries(config.graphql, trusted),
    parseOptions: parseOptions(config.graphql.limits),
    plugins: [
      // First: the request log reports the status this one sets, and the cost the next one reports.
      errorStatusPlugin,
      costPlugin(costs, budget),
      requestObservabilityPlugin(logger, metrics),
      ...(tracingPlugin ? [tracingPlugin] : []),
      variableShapesPlugin(),
      mutationResultScopePlugin(SESSIONS_READ),
      idempotencyPlugin({ keyRequiredForMutations: config.idempotency.required }),
      ...(trusted && trustedDocuments.mode === 'log' ? [unlistedDocumentsPlugin(trusted, introspection, logger, metrics)] : []),
      // No cache hints in this API; the default plugin would hook every resolved field.
      ApolloServerPluginCacheControlDisabled(),
      // Sandbox (the landing page) in development only.
      ...(production ? [ApolloServerPluginLandingPageDisabled()] : []),
    ],
  });
}

/**
 * What a hash (or a `documentId`) names. With trusted documents: the manifest's documents, and
 * nothing a client sends is kept. Without: automatic persisted queries, where a client sends a
 * document's hash, and the document itself only when this instance does not know it yet
 * (PERSISTED_QUERY_NOT_FOUND), kept in a bounded cache of their own, the least recently used
 * going first.
 */
function persistedQueries(
  { apqCacheBytes }: Config['graphql'],
  trusted: TrustedDocuments | undefined,
): ApolloServerOptionsWithSchema<Context>['persistedQueries'] {
  if (trusted) return { cache: persistedQueriesFrom(trusted) };
  if (apqCacheBytes === 0) return false;
  return { cache: new InMemoryLRUCache({ maxSize: apqCacheBytes, sizeCalculation: (query: string) => query.length }) };
}
