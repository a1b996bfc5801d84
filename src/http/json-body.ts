import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';

/** The error code of a body whose bytes are not UTF-8 (error-handlers.ts answers it). */
export const INVALID_UTF8_BODY = 'INVALID_UTF8_BODY';

/**
 * The only bodies this server reads are JSON (`application/json`), parsed as Fastify parses them
 * (prototype-poisoning checks included), from bytes that must be UTF-8: decoded as text, invalid
 * bytes would silently become U+FFFD and be stored so, while the client believes it sent
 * something else. Any other content type (`text/plain` included, which Fastify would take by
 * default) is refused with 415 before anything reads it.
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser(
    app.initialConfig.onProtoPoisoning ?? 'error',
    app.initialConfig.onConstructorPoisoning ?? 'ignore',
  );
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    if (!isUtf8(bytes)) {
      done(Object.assign(new Error('The request body is not valid UTF-8'), { code: INVALID_UTF8_BODY, statusCode: 400 }), undefined);
      return;
    }
    void parseJson(request, bytes.toString('utf8'), done);
  });
}
