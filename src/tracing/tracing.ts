import type { ApolloServerPlugin } from '@apollo/server';
import type { FastifyPluginCallback, FastifyRequest } from 'fastify';
import type { GraphQLSchema } from 'graphql';
import type { Database } from '../database/database';
import type { Context } from '../graphql/context';
import type { OperationCosts } from '../graphql/operation-costs';

/**
 * What tracing adds to the server, each part plugged in where its subject lives (docs/tracing.md
 * says what each span means). Made only when an endpoint is set: otherwise there is no Tracing,
 * none of these run, and not one module of the OpenTelemetry SDK is loaded.
 */
export interface Tracing {
  /** @fastify/otel, registered before any route: the HTTP server span, continuing the caller's traceparent. */
  http: FastifyPluginCallback;
  /** Runs a GraphQL request inside its operation span, a child of its HTTP span. */
  inOperationSpan: <T>(request: FastifyRequest, run: () => Promise<T>) => Promise<T>;
  /** Names the operation span and gives it the document's hash, cost and outcome; parse and validate spans. */
  graphqlPlugin: (costs: OperationCosts) => ApolloServerPlugin<Context>;
  /** A span for each resolution of a field that reaches the database; before the schema is executed. */
  traceResolvers: (schema: GraphQLSchema) => void;
  /** The wait for a connection and each SQL statement, on the primary's pool and every replica's. */
  traceDatabase: (database: Database) => void;
  /** For the logger: the trace and span a log line was written in. */
  logFields: () => object;
  /** Sends the spans still buffered and stops; at the process's stop. */
  shutdown: () => Promise<void>;
}

/** Where spans go: either one turns tracing on (the SDK appends /v1/traces to the first). */
const ENDPOINT_VARIABLES = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] as const;

/**
 * Tracing as the standard OTEL_* variables configure it, or undefined when no endpoint is set
 * (or OTEL_SDK_DISABLED=true). Nothing here patches a module as it is required: the HTTP span
 * comes from a Fastify plugin and every other span from this server's own code, so the SDK need
 * not start before the app's modules are loaded, only before the logger and the app are made.
 */
export function startTracing(): Tracing | undefined {
  // The SDK reads the same variables from process.env itself.
  const { env } = process;
  if (!ENDPOINT_VARIABLES.some((name) => env[name]?.trim())) return undefined;
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  // Required here rather than imported: without an endpoint, the SDK is never loaded.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startSdk } = require('./sdk') as typeof import('./sdk');
  return startSdk();
}
