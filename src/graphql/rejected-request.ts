import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import type { AuthenticationFailure } from '../auth/errors';
import { refusedCredentialsOf } from './client-errors';

/**
 * A request refused for its credentials, thrown by the context function: before Apollo has read
 * the document, so nothing of the request is parsed, validated or run. Apollo answers with this
 * error alone; its message, code, HTTP status and headers are client-errors.ts's. It also carries
 * what the request's log line and metrics need (request-observability.plugin.ts), since Apollo's
 * per-request hooks never start for it.
 */
export class RejectedRequestError extends GraphQLError {
  readonly status: number;

  constructor(
    readonly failure: AuthenticationFailure,
    readonly requestId: string,
    /** performance.now() when the request reached Apollo. */
    readonly startedAt: number,
  ) {
    const { code, message, http } = refusedCredentialsOf(failure);
    super(message, { extensions: { code, http: { status: http.status, headers: new HeaderMap(Object.entries(http.headers)) } } });
    this.status = http.status;
  }
}
