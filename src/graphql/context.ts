import type { EntityManager } from '@mikro-orm/postgresql';
import type { Authenticator } from '../auth/authenticator';
import { AuthenticationFailure } from '../auth/errors';
import type { Principal } from '../auth/principal';
import type { RequestDatabase } from '../database/request-database';
import type { IdempotencyKeys } from '../idempotency/idempotency-keys';
import type { IdempotentRequest } from '../idempotency/idempotent-request';
import { RefusedRequestError } from './refused-request';

/** What every resolver gets: the request's use of the database, and who is asking. */
export interface Context {
  /** The request's use of the database: its reads, within its share of the pool. */
  readonly db: RequestDatabase;
  /** The request's own EntityManager (a fork, made on first use): writes, transactions, the unit of work. */
  readonly em: EntityManager;
  /** From the client's x-request-id when it sent a usable one; echoed in the response. */
  readonly requestId: string;
  /** Who the request acts for: its token's subject and scopes (`@Authorized` checks them, auth/auth-checker.ts). */
  readonly principal: Principal;
  /** The request's Idempotency-Key and what became of it; undefined without one. */
  readonly idempotency: IdempotentRequest | undefined;
  /** The client's address: the peer's, or the one a trusted proxy forwarded for (HTTP_TRUST_PROXY). */
  readonly clientAddress: string;
}

/** What the HTTP layer passes on of a request when Apollo asks for its context. */
export interface RequestHead {
  id: string;
  /** Every value when the header came more than once (http/request-head.ts). */
  authorization: string | readonly string[] | undefined;
  /** The Idempotency-Key header, checked (idempotency/idempotency-key-header.ts). */
  idempotencyKey: string | undefined;
  /** The client's address (Fastify's request.ip). */
  address: string;
  /** The text of the request's document, when it sends one rather than naming it by id; read only when asked. */
  documentText: () => string | undefined;
}

/** TRUSTED_DOCUMENTS=enforce: the SHA-256 of a document text that may not run; undefined when it may (or there is none). */
export type UntrustedDocumentCheck = (text: string | undefined) => string | undefined;

/**
 * The context of one request. The global EntityManager's unit of work is never used by a
 * request. The getter sits on the class, not the object: Apollo copies the context's own
 * properties for each operation, which would call a getter of the object itself (and fork for
 * nothing).
 */
class RequestContext implements Context {
  readonly idempotency: IdempotentRequest | undefined;

  constructor(
    readonly db: RequestDatabase,
    readonly requestId: string,
    readonly principal: Principal,
    readonly clientAddress: string,
    idempotencyKey: string | undefined,
    keys: IdempotencyKeys,
  ) {
    this.idempotency = keys.keyedRequest(idempotencyKey, principal, () => db.em);
  }

  get em(): EntityManager {
    return this.db.em;
  }
}

/**
 * Apollo's context function: authenticates the request, checks its document when trusted
 * documents are enforced, then makes its context. Apollo calls it before it reads the document,
 * so a request without a valid token is refused before anything of it is parsed, validated or
 * executed, introspection and `{ __typename }` included (RefusedRequestError: 401 and its
 * WWW-Authenticate challenge); and so is a document that is not a trusted one (403).
 */
export function contextFunction(
  database: () => RequestDatabase,
  authenticator: Authenticator,
  idempotencyKeys: IdempotencyKeys,
  untrustedDocument?: UntrustedDocumentCheck,
): (request: RequestHead) => Promise<Context> {
  return async ({ id, authorization, idempotencyKey, address, documentText }) => {
    const startedAt = performance.now();
    let principal: Principal;
    try {
      principal = await authenticator.authenticate(authorization);
    } catch (error) {
      if (error instanceof AuthenticationFailure) throw new RefusedRequestError({ reason: 'credentials', failure: error }, id, startedAt);
      throw error;
    }
    const refused = untrustedDocument?.(documentText());
    if (refused !== undefined) throw new RefusedRequestError({ reason: 'document_not_in_list', document: refused }, id, startedAt);
    return new RequestContext(database(), id, principal, address, idempotencyKey, idempotencyKeys);
  };
}
