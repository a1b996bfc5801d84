import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';

/** What every resolver gets: an EntityManager of its own, forked for this request. */
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
  ) {}

  get em(): EntityManager {
    return (this.forked ??= this.orm.em.fork());
  }

  get readEm(): EntityManager {
    return this.forked ?? this.orm.em;
  }
}

export function createContext(orm: MikroORM, requestId: string): Context {
  return new RequestContext(orm, requestId);
}
