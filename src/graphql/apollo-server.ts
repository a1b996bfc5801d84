import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import { SESSIONS_READ } from '../auth/scopes';
import { idempotencyPlugin } from '../idempotency/idempotency.plugin';
import type { Config } from '../config/config';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { requestObservabilityPlugin } from '../observability/request-observability.plugin';
import type { Tracing } from '../observability/tracing/tracing';
import type { Context } from './context';
import { errorStatusPlugin } from './error-status.plugin';
import { formatError } from './format-error';
import { jitGateway } from './jit-executor';
import { KnownOperationTypesRule } from './known-operation-types';
import { mutationResultScopePlugin } from './mutation-result-scope.plugin';
import { variableShapesPlugin } from './variable-shapes.plugin';
import { parseOptions, queryLimitRules } from './query-limits';

export interface ApolloServerOptions {
  schema: GraphQLSchema;
  config: Config;
  logger: Logger;
  metrics: Metrics;
  /** Names each request's operation span; unset: tracing is off. */
  tracing?: Tracing;
}

/** Apollo Server as this API runs it: limits, error formatting and statuses, the request log; not started. */
export function createApolloServer({ schema, config, logger, metrics, tracing }: ApolloServerOptions): ApolloServer<Context> {
  const production = config.nodeEnv === 'production';
  return new ApolloServer<Context>({
    ...(config.graphql.executor === 'jit' ? { gateway: jitGateway(schema) } : { schema }),
    introspection: config.graphql.introspection,
    includeStacktraceInErrorResponses: false,
    // Production answers without "Did you mean …?" hints that map the schema for an attacker.
    hideSchemaDetailsFromClientErrors: production,
    // The process owns shutdown (main.ts): Apollo's own signal handler would re-raise the signal
    // and kill the process before the pool and the embedded database are closed.
    stopOnTerminationSignals: false,
    csrfPrevention: true,
    formatError,
    validationRules: [KnownOperationTypesRule, ...queryLimitRules(config.graphql.limits)],
    // Not offered by this API: without this, a malformed persistedQuery extension is a 500.
    persistedQueries: false,
    parseOptions: parseOptions(config.graphql.limits),
    plugins: [
      // First: the request log reports the status this one sets.
      errorStatusPlugin,
      requestObservabilityPlugin(logger, metrics),
      ...(tracing ? [tracing.graphqlPlugin(schema, config.graphql.limits.countCost)] : []),
      variableShapesPlugin(),
      mutationResultScopePlugin(SESSIONS_READ),
      idempotencyPlugin({ keyRequiredForMutations: config.idempotency.required }),
      // No cache hints in this API; the default plugin would hook every resolved field.
      ApolloServerPluginCacheControlDisabled(),
      // Sandbox (the landing page) in development only.
      ...(production ? [ApolloServerPluginLandingPageDisabled()] : []),
    ],
  });
}
