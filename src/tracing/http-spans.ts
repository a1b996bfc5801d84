import { FastifyOtelInstrumentation } from '@fastify/otel';

/** Probes and scrapes come every few seconds and say nothing about a request: no trace each. */
const UNTRACED = /^\/(health\/|metrics(\?|$))/;

/**
 * Fastify's own instrumentation (@fastify/otel): one SERVER span per request, continuing the
 * caller's W3C traceparent and tracestate, with the method, the route and the status. Not a span
 * per hook or for the handler: they would cost on every request and say nothing the GraphQL
 * spans do not.
 */
export function httpSpans(): FastifyOtelInstrumentation {
  return new FastifyOtelInstrumentation({
    instrumentHooks: false,
    instrumentHandler: false,
    ignorePaths: ({ url }) => UNTRACED.test(url),
    requestHook: (span, request) => {
      const { url } = request.routeOptions;
      span.updateName(url ? `${request.method} ${url}` : request.method);
      // Without the query string: a GET request's variables are the client's data.
      const query = request.url.indexOf('?');
      if (query !== -1) span.setAttribute('url.path', request.url.slice(0, query));
    },
  });
}
