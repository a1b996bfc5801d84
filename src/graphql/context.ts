import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestDatabase } from '../database/request-database';

/** What every resolver gets. */
export interface Context {
  /** The request's use of the database: its reads, within its share of the pool. */
  readonly db: RequestDatabase;
  /** The request's own EntityManager (a fork, made on first use): writes, transactions, the unit of work. */
  readonly em: EntityManager;
  /** From the client's x-request-id when it sent a usable one; echoed in the response. */
  readonly requestId: string;
}

/**
 * The context of one request. The global EntityManager is never used by a request's unit of work.
 * The getter sits on the class, not the object: Apollo copies the context's own properties for
 * each operation, which would call a getter of the object itself (and fork for nothing).
 */
class RequestContext implements Context {
  constructor(
    readonly db: RequestDatabase,
    readonly requestId: string,
  ) {}

  get em(): EntityManager {
    return this.db.em;
  }
}

export function createContext(db: RequestDatabase, requestId: string): Context {
  return new RequestContext(db, requestId);
}
