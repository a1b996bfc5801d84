import { trace } from '@opentelemetry/api';
import { NodeSDK, resources } from '@opentelemetry/sdk-node';
import { graphqlSpansPlugin } from './graphql-spans.plugin';
import { httpSpans } from './http-spans';
import { traceFields } from './log-correlation';
import { operationSpans } from './operation-span';
import { traceDatabase } from './pool-spans';
import { traceResolvers } from './resolver-spans';
import type { Tracing } from './tracing';
import { SERVICE_NAME } from '../service-name';

/**
 * The OpenTelemetry Node SDK, configured by the standard OTEL_* variables (exporter protocol and
 * endpoint, sampler, resource, batching), started, and the spans of this server. Loaded only
 * when tracing is on (tracing.ts).
 */
export function startSdk(): Tracing {
  const http = httpSpans();
  const sdk = new NodeSDK({
    // service.name unless OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES say otherwise: the detected
    // resource (those variables, process, host) is merged over this one.
    resource: resources.defaultResource().merge(resources.resourceFromAttributes({ 'service.name': SERVICE_NAME })),
    instrumentations: [http],
    // Traces only: the metrics are Prometheus's (/metrics), the logs pino's. Unset, the SDK
    // would also export both over OTLP.
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  const tracer = trace.getTracer(SERVICE_NAME);
  return {
    http: http.plugin(),
    inOperationSpan: operationSpans(tracer),
    graphqlPlugin: (costs) => graphqlSpansPlugin(tracer, costs),
    traceResolvers: (schema) => traceResolvers(schema, tracer),
    traceDatabase: (database) => traceDatabase(database, tracer),
    logFields: traceFields,
    shutdown: () => sdk.shutdown(),
  };
}
