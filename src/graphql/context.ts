import type { EntityManager } from '@mikro-orm/postgresql';

/** What every resolver gets: an EntityManager of its own, forked for this request. */
export interface Context {
  em: EntityManager;
}
