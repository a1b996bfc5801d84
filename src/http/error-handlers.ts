import type { FastifyError, FastifyInstance } from 'fastify';

/**
 * Requests that fail before Apollo sees them (a body too large or not JSON, an unsupported
 * content type, an unknown route) still get a GraphQL-shaped JSON body with an error code.
 */
export function registerErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const { status, code, message } = describe(error);
    if (status >= 500) request.log.error({ err: error, requestId: request.id }, 'request failed');
    return reply.code(status).send({ errors: [{ message, extensions: { code } }] });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ errors: [{ message: `No route ${request.method} ${request.url.split('?')[0]}`, extensions: { code: 'NOT_FOUND' } }] }),
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
