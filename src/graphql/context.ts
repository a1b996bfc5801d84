import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';

/** What every resolver gets: an EntityManager of its own, forked for this request. */
export interface Context {
  em: EntityManager;
  /** From the client's x-request-id when it sent a usable one; echoed in the response. */
  requestId: string;
}

/** The context of one request. The global EntityManager is never used by a request. */
export function createContext(orm: MikroORM, requestId: string): Context {
  return { em: orm.em.fork(), requestId };
}
