import type { EntityManager } from '@mikro-orm/postgresql';

/** What every resolver gets: an EntityManager of its own, forked for this request. */
export interface Context {
  em: EntityManager;
  /** From the client's x-request-id when it sent a usable one; echoed in the response. */
  requestId: string;
}
