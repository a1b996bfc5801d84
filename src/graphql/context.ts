import type { EntityManager } from '@mikro-orm/postgresql';
import type { Authenticator } from '../auth/authenticator';
import { AuthenticationFailure } from '../auth/errors';
import type { Principal } from '../auth/principal';
import type { RequestDatabase } from '../database/request-database';
import type { IdempotencyKeys } from '../idempotency/idempotency-keys';
import type { IdempotentRequest } from '../idempotency/idempotent-request';
import { RejectedRequestError } from './rejected-request';

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
}

/** What the HTTP layer passes on of a request when Apollo asks for its context. */
export interface RequestHead {
  id: string;
  /** Every value when the header came more than once (http/request-head.ts). */
  authorization: string | readonly string[] | undefined;
  /** The Idempotency-Key header, checked (idempotency/idempotency-key-header.ts). */
  idempotencyKey: string | undefined;
}

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
 * Apollo's context function: authenticates the request, then makes its context. Apollo calls it
 * before it reads the document, so a request without a valid token is refused before anything of
 * it is parsed, validated or executed, introspection and `{ __typename }` included
 * (RejectedRequestError: 401 and its WWW-Authenticate challenge).
 */
export function contextFunction(
  database: () => RequestDatabase,
  authenticator: Authenticator,
  idempotencyKeys: IdempotencyKeys,
): (request: RequestHead) => Promise<Context> {
  return async ({ id, authorization, idempotencyKey }) => {
    const startedAt = performance.now();
    try {
      const principal = await authenticator.authenticate(authorization);
      return new RequestContext(database(), id, principal, idempotencyKey, idempotencyKeys);
    } catch (error) {
      if (error instanceof AuthenticationFailure) throw new RejectedRequestError(error, id, startedAt);
      throw error;
    }
  };
}
