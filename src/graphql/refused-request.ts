import { GraphQLError } from 'graphql';
import type { AuthenticationFailure } from '../auth/errors';
import { extensionsWithStatus, refusedCredentialsOf, untrustedDocumentRefusal } from './client-errors';

/** Why a request was refused before its document was read. */
type Refusal =
  /** Its credentials (context.ts). */
  | { reason: 'credentials'; failure: AuthenticationFailure }
  /** A document sent as text that is not a trusted one, under TRUSTED_DOCUMENTS=enforce; `document` is its SHA-256. */
  | { reason: 'document_not_in_list'; document: string };

/**
 * A request refused before Apollo has read its document, thrown by the context function: nothing
 * of the request is parsed, validated or run. Apollo answers with this error alone; its message,
 * code, HTTP status and headers are client-errors.ts's. It also carries what the request's log
 * line and metrics need (request-observability.plugin.ts), since Apollo's per-request hooks
 * never start for it.
 */
export class RefusedRequestError extends GraphQLError {
  readonly status: number;

  constructor(
    readonly refusal: Refusal,
    readonly requestId: string,
    /** performance.now() when the request reached Apollo. */
    readonly startedAt: number,
  ) {
    const refused = refusal.reason === 'credentials' ? refusedCredentialsOf(refusal.failure) : untrustedDocumentRefusal();
    super(refused.message, { extensions: extensionsWithStatus(refused) });
    this.status = refused.http.status;
  }
}
