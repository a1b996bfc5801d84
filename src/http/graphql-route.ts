import { Readable } from 'node:stream';
import { HeaderMap, type ApolloServer, type HTTPGraphQLRequest } from '@apollo/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../graphql/context';
import { withDocumentIdAsPersistedQuery } from './document-id';

export const GRAPHQL_PATH = '/graphql';

/**
 * Mounts Apollo Server at /graphql: the request as Apollo takes it (a `documentId` made into the
 * persisted-query extension Apollo reads, see document-id.ts), the context, the response as
 * Apollo makes it. What @as-integrations/fastify does, without building a URL out of the Host
 * header (which a client may leave out, as HTTP/1.0 allows, or send malformed): Apollo needs only
 * the query string.
 */
export function registerGraphQLRoute(
  app: FastifyInstance,
  apollo: ApolloServer<Context>,
  /** `documentText`: the text of the document the request sends, if it sends one. */
  context: (request: FastifyRequest, documentText: () => string | undefined) => Promise<Context>,
): void {
  app.route({
    method: ['GET', 'POST', 'OPTIONS'],
    url: GRAPHQL_PATH,
    handler: async (request, reply) => {
      const httpGraphQLRequest = withDocumentIdAsPersistedQuery(graphqlRequestOf(request));
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest,
        context: () => context(request, () => documentTextOf(httpGraphQLRequest)),
      });
      return send(reply, response);
    },
  });
}

function graphqlRequestOf(request: FastifyRequest): HTTPGraphQLRequest {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return { method: request.method, headers, search: queryStringOf(request.url), body: request.body };
}

/** The `query` of a POST body or a GET query string, when it is a string (else Apollo refuses the request). */
function documentTextOf({ method, body, search }: HTTPGraphQLRequest): string | undefined {
  const query: unknown = method === 'GET' ? new URLSearchParams(search).get('query') : (body as { query?: unknown } | null)?.query;
  return typeof query === 'string' ? query : undefined;
}

/** `?a=1&b=2` of `/graphql?a=1&b=2`; '' without one. */
function queryStringOf(url: string): string {
  const start = url.indexOf('?');
  if (start === -1) return '';
  const fragment = url.indexOf('#', start);
  return fragment === -1 ? url.slice(start) : url.slice(start, fragment);
}

function send(reply: FastifyReply, { status, headers, body }: Awaited<ReturnType<ApolloServer['executeHTTPGraphQLRequest']>>) {
  for (const [name, value] of headers) void reply.header(name, value);
  void reply.code(status ?? 200);
  return body.kind === 'complete' ? body.string : reply.send(Readable.from(body.asyncIterator));
}
