import { Readable } from 'node:stream';
import { HeaderMap, type ApolloServer, type HTTPGraphQLRequest, type HTTPGraphQLResponse } from '@apollo/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode } from '../error-codes';
import { clientErrorOf, httpStatusFor } from '../graphql/client-errors';
import type { Context, RequestHead } from '../graphql/context';
import type { Tracing } from '../tracing/tracing';
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf, UnusableIdempotencyKey } from '../idempotency/idempotency-key-header';
import { sendError } from './error-handlers';
import { authorizationOf, headerValues } from './request-head';
import { withDocumentIdAsPersistedQuery } from './document-id';

export const GRAPHQL_PATH = '/graphql';

/**
 * Mounts Apollo Server at /graphql: the request as Apollo takes it (a `documentId` made into the
 * persisted-query extension Apollo reads, see document-id.ts), the context, the response as
 * Apollo makes it. What @as-integrations/fastify does, without building a URL out of the Host
 * header (which a client may leave out, as HTTP/1.0 allows, or send malformed): Apollo needs only
 * the query string. A request sent with an Idempotency-Key ends here too: its answer, in the exact
 * bytes Apollo made, is stored with its writes, or a stored one is sent instead
 * (idempotency/idempotent-request.ts).
 */
export function registerGraphQLRoute(
  app: FastifyInstance,
  apollo: ApolloServer<Context>,
  context: (head: RequestHead) => Promise<Context>,
  /** Runs each request inside its GraphQL operation span (tracing on). */
  inOperationSpan?: Tracing['inOperationSpan'],
): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    let idempotencyKey: string | undefined;
    try {
      // Mutations come by POST only: a GET's key could never be used.
      idempotencyKey = request.method === 'POST' ? idempotencyKeyOf(headerValues(request.raw, IDEMPOTENCY_KEY_HEADER)) : undefined;
    } catch (error) {
      if (error instanceof UnusableIdempotencyKey) return sendError(reply, 400, ErrorCode.BAD_REQUEST, error.message);
      throw error;
    }
    const httpGraphQLRequest = withDocumentIdAsPersistedQuery(graphqlRequestOf(request));
    const head: RequestHead = {
      id: request.id,
      authorization: authorizationOf(request.raw),
      idempotencyKey,
      address: request.ip,
      documentText: () => documentTextOf(httpGraphQLRequest),
    };
    let contextValue: Context | undefined;
    let response: HTTPGraphQLResponse;
    try {
      response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest,
        context: async () => (contextValue = await context(head)),
      });
    } catch (error) {
      await contextValue?.idempotency?.abandon();
      throw error;
    }
    // A claimed key's transaction ends here: committed with the answer, or rolled back.
    const idempotency = contextValue?.idempotency;
    if (!idempotency) return send(reply, response);
    return send(reply, await idempotency.finish(response).catch(failureResponse));
  };
  app.route({
    method: ['GET', 'POST', 'OPTIONS'],
    url: GRAPHQL_PATH,
    handler: inOperationSpan ? (request, reply) => inOperationSpan(request, () => handler(request, reply)) : handler,
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

/**
 * The answer when a keyed request's writes could not be committed: what a client sees of that
 * failure (503 when the database went away), never the answer that was not kept.
 */
function failureResponse(error: unknown): HTTPGraphQLResponse {
  const client = clientErrorOf(error);
  if (!client) throw error;
  const formatted = { message: client.message, extensions: { code: client.code } };
  const http = httpStatusFor([formatted], false) ?? { status: 500, headers: {} };
  const headers = new HeaderMap([['content-type', 'application/json; charset=utf-8'], ...Object.entries(http.headers)]);
  return { status: http.status, headers, body: { kind: 'complete', string: `${JSON.stringify({ errors: [formatted] })}\n` } };
}

function send(reply: FastifyReply, { status, headers, body }: HTTPGraphQLResponse) {
  for (const [name, value] of headers) void reply.header(name, value);
  void reply.code(status ?? 200);
  return body.kind === 'complete' ? body.string : reply.send(Readable.from(body.asyncIterator));
}
