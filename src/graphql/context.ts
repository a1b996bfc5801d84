import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Authenticator } from '../auth/authenticator';
import { AuthenticationFailure } from '../auth/errors';
import type { Principal } from '../auth/principal';
import { RejectedRequestError } from './rejected-request';

/** What every resolver gets: an EntityManager of its own, forked for this request, and who is asking. */
export interface Context {
  /** The request's own EntityManager (a fork): writes, transactions, anything with a unit of work. */
  readonly em: EntityManager;
  /**
   * For reads of plain rows (database/entity-rows.ts), which use an EntityManager only for its
   * connections: the request's own once it has one, so that its reads see its writes; until
   * then the root one, whose connections are the same pools. Forking costs a read-only request
   * more than its query.
   */
  readonly readEm: EntityManager;
  /** From the client's x-request-id when it sent a usable one; echoed in the response. */
  readonly requestId: string;
  /** Who the request acts for: its token's subject and scopes (`@Authorized` checks them, auth/auth-checker.ts). */
  readonly principal: Principal;
}

/** What the HTTP layer passes on of a request when Apollo asks for its context. */
export interface RequestHead {
  id: string;
  authorization: string | undefined;
}

/**
 * The context of one request. The global EntityManager is never used by a request; the fork is
 * made when a resolver first asks for it, so requests that need no database pay nothing for it.
 * The getter sits on the class, not the object: Apollo copies the context's own properties for
 * each operation, which would call a getter of the object itself.
 */
class RequestContext implements Context {
  private forked: EntityManager | undefined;

  constructor(
    private readonly orm: MikroORM,
    readonly requestId: string,
    readonly principal: Principal,
  ) {}

  get em(): EntityManager {
    return (this.forked ??= this.orm.em.fork());
  }

  get readEm(): EntityManager {
    return this.forked ?? this.orm.em;
  }
}

/**
 * Apollo's context function: authenticates the request, then makes its context. Apollo calls it
 * before it reads the document, so a request without a valid token is refused before anything of
 * it is parsed, validated or executed, introspection and `{ __typename }` included
 * (RejectedRequestError: 401 and its WWW-Authenticate challenge).
 */
export function contextFunction(orm: MikroORM, authenticator: Authenticator): (request: RequestHead) => Promise<Context> {
  return async ({ id, authorization }) => {
    const startedAt = performance.now();
    try {
      return new RequestContext(orm, id, await authenticator.authenticate(authorization));
    } catch (error) {
      if (error instanceof AuthenticationFailure) throw new RejectedRequestError(error, id, startedAt);
      throw error;
    }
  };
}
