import type { EntityManager, EventSubscriber, FlushEventArgs } from '@mikro-orm/core';

/** The forked EntityManagers (one per request) that have written; forgotten with their request. */
const wrote = new WeakSet<EntityManager>();

/**
 * Read-your-writes within a request: once a request's EntityManager has flushed a change to the
 * primary, its later reads go to the primary too, not to a replica that may not have it yet.
 */
export const ReadYourWrites: EventSubscriber = {
  afterFlush({ em }: FlushEventArgs) {
    wrote.add(em);
  },
};

export function hasWritten(em: EntityManager): boolean {
  return wrote.has(em);
}
