import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Negotiator from 'negotiator';
import { ErrorCode } from '../error-codes';
import type { HttpRefusal } from '../observability/metrics';
import { INVALID_UTF8_BODY } from './json-body';

/** The body every error has, whoever answers: `{ errors: [{ message, extensions: { code } }] }`. */
const errorBody = (message: string, code: ErrorCode) => JSON.stringify({ errors: [{ message, extensions: { code } }] });

/** What a GraphQL response can be sent as. */
const GRAPHQL_MEDIA_TYPES = ['application/json', 'application/graphql-response+json'];

/**
 * Requests that fail before Apollo sees them (a body too large or not JSON, an unsupported
 * content type, an unknown route) still get a GraphQL-shaped JSON body with an error code.
 */
export function registerErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const { status, code, message } = refusalOf(error);
    if (status >= 500) request.log.error({ err: error, requestId: request.id }, 'request failed');
    return reply.code(status).type('application/json').send(errorBody(message, code));
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .type('application/json')
      .send(errorBody(`No route ${request.method} ${request.url.split('?')[0]}`, ErrorCode.NOT_FOUND)),
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
    .send(errorBody(`Responses are ${GRAPHQL_MEDIA_TYPES.join(' or ')}`, ErrorCode.NOT_ACCEPTABLE));
}

/** Fastify's `frameworkErrors`: a URL it cannot even decode. */
export function answerFrameworkError(_error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  void reply.code(400).type('application/json').send(errorBody('The request URL is malformed', ErrorCode.BAD_REQUEST));
}

/** Writes a complete answer on a socket that has no request object (yet): status line, headers, a GraphQL-shaped body. */
function answerOnSocket(socket: Socket, status: number, reason: string, code: ErrorCode): void {
  const body = errorBody(reason, code);
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * Fastify's `clientErrorHandler`: HTTP so broken that no request object exists (headers over
 * 16 KiB, bytes that are not HTTP), or a client too slow to send its request within
 * HTTP_REQUEST_TIMEOUT_MS (a body dripped a byte at a time): a GraphQL-shaped answer, then the
 * connection closes.
 */
export function clientErrorHandler(refused: (reason: HttpRefusal) => void) {
  return (error: Error & { code?: string }, socket: Socket): void => {
    // A reset connection has nobody to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const [status, reason, code, refusal]: [number, string, ErrorCode, HttpRefusal] =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', ErrorCode.REQUEST_TIMEOUT, 'request_timeout']
        : error.code === 'HPE_HEADER_OVERFLOW'
          ? [431, 'Request Header Fields Too Large', ErrorCode.REQUEST_TOO_LARGE, 'header_too_large']
          : [400, 'Bad Request', ErrorCode.BAD_REQUEST, 'malformed_request'];
    refused(refusal);
    if (socket.writable) answerOnSocket(socket, status, reason, code);
    else socket.destroy();
  };
}

/**
 * Node's 'checkExpectation': a request with an `Expect` header other than `100-continue`, which
 * Node would otherwise answer with a bare 417 (RFC 9110 §10.1.1).
 */
export function answerUnmetExpectation(request: IncomingMessage, response: ServerResponse): void {
  const body = errorBody(
    `Expect: ${String(request.headers.expect).slice(0, 64)} cannot be met; only 100-continue is`,
    ErrorCode.BAD_REQUEST,
  );
  response.writeHead(417, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close' });
  response.end(body);
}

/** A refusal in the GraphQL error shape, for requests answered before Apollo sees them. */
export function sendError(reply: FastifyReply, status: number, code: ErrorCode, message: string): FastifyReply {
  return reply.code(status).type('application/json').send(errorBody(message, code));
}

/** The answer to a request whose Host header is missing (HTTP/1.1), repeated or malformed (http/request-head.ts). */
export function refuseBadHost(reply: FastifyReply, problem: string): FastifyReply {
  return sendError(reply.header('connection', 'close'), 400, ErrorCode.BAD_REQUEST, `The Host header is ${problem}`);
}

/** What a client sees of an error Fastify raised before any route ran. */
function refusalOf(error: FastifyError): { status: number; code: ErrorCode; message: string } {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 400, code: ErrorCode.REQUEST_TOO_LARGE, message: 'The request body is larger than this server accepts' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, code: ErrorCode.UNSUPPORTED_MEDIA_TYPE, message: 'Send GraphQL requests as application/json' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, code: ErrorCode.BAD_REQUEST, message: 'The request body is not valid JSON' };
    case INVALID_UTF8_BODY:
      return { status: 400, code: ErrorCode.BAD_REQUEST, message: 'The request body is not valid UTF-8' };
  }
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  return status < 500
    ? { status, code: ErrorCode.BAD_REQUEST, message: error.message }
    : { status, code: ErrorCode.INTERNAL_SERVER_ERROR, message: 'Internal server error' };
}
