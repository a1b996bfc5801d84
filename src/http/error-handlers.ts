import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Negotiator from 'negotiator';

/** The body every error has, whoever answers: `{ errors: [{ message, extensions: { code } }] }`. */
const errorBody = (message: string, code: string) => JSON.stringify({ errors: [{ message, extensions: { code } }] });

/** What a GraphQL response can be sent as. */
const GRAPHQL_MEDIA_TYPES = ['application/json', 'application/graphql-response+json'];

/**
 * Requests that fail before Apollo sees them (a body too large or not JSON, an unsupported
 * content type, an unknown route) still get a GraphQL-shaped JSON body with an error code.
 */
export function registerErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const { status, code, message } = describe(error);
    if (status >= 500) request.log.error({ err: error, requestId: request.id }, 'request failed');
    return reply.code(status).type('application/json').send(errorBody(message, code));
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .type('application/json')
      .send(errorBody(`No route ${request.method} ${request.url.split('?')[0]}`, 'NOT_FOUND')),
  );
}

/** Whether an Accept header admits a GraphQL response, by header value: clients send few distinct ones. */
const acceptable = new Map<string, boolean>();
const MAX_REMEMBERED_ACCEPTS = 100;

/**
 * Apollo runs an operation before it looks at Accept, so a mutation sent with an Accept that
 * no GraphQL response satisfies would be applied and then answered 406. Refuse it first.
 */
export async function refuseUnacceptableAccept(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const accept = request.headers.accept;
  if (accept === undefined) return;
  let ok = acceptable.get(accept);
  if (ok === undefined) {
    ok = new Negotiator({ headers: { accept } }).mediaType(GRAPHQL_MEDIA_TYPES) !== undefined;
    if (acceptable.size < MAX_REMEMBERED_ACCEPTS) acceptable.set(accept, ok);
  }
  if (ok) return;
  await reply
    .code(406)
    .type('application/json')
    .send(errorBody(`Responses are ${GRAPHQL_MEDIA_TYPES.join(' or ')}`, 'NOT_ACCEPTABLE'));
}

/** Fastify's `frameworkErrors`: a URL it cannot even decode. */
export function answerFrameworkError(_error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  void reply.code(400).type('application/json').send(errorBody('The request URL is malformed', 'BAD_REQUEST'));
}

/** Fastify's `clientErrorHandler`: HTTP so broken (e.g. headers over 16 KiB) that no request object exists. */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) return;
  const [status, reason, code] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', 'REQUEST_TOO_LARGE']
      : [400, 'Bad Request', 'BAD_REQUEST'];
  const body = errorBody(reason, code);
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function describe(error: FastifyError): { status: number; code: string; message: string } {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 400, code: 'REQUEST_TOO_LARGE', message: 'The request body is larger than this server accepts' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Send GraphQL requests as application/json' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, code: 'BAD_REQUEST', message: 'The request body is not valid JSON' };
  }
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  return status < 500
    ? { status, code: 'BAD_REQUEST', message: error.message }
    : { status, code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' };
}
