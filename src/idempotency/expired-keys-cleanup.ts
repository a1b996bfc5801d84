import type { MikroORM } from '@mikro-orm/postgresql';
import type { ConnectionPool } from '../database/pool/connection-pool';
import type { Logger } from '../observability/logger';
import { deleteExpiredKeys } from './idempotency-store';

/** Rows deleted per statement: a short statement, holding one connection for a moment. */
const BATCH_SIZE = 500;
/** Batches per run at most: a backlog is worked off over several runs, never in one long one. */
const MAX_BATCHES_PER_RUN = 20;

export interface ExpiredKeysCleanup {
  /** One run now (the timer's work), for tests: the number of keys deleted. */
  runOnce(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Deletes expired idempotency keys in the background, every `intervalMs`, in small batches that
 * never hold the pool: a run is skipped while requests are waiting for a connection, and stops
 * between batches as soon as one is. Every instance runs it; they skip each other's rows. A
 * failed run (the database away) is logged at debug and tried again at the next interval.
 */
export function startExpiredKeysCleanup(orm: MikroORM, pool: ConnectionPool, intervalMs: number, logger: Logger): ExpiredKeysCleanup {
  let running: Promise<number> | undefined;
  const runOnce = async (): Promise<number> => {
    let deleted = 0;
    for (let batch = 0; batch < MAX_BATCHES_PER_RUN && pool.stats().pendingAcquires === 0; batch++) {
      const count = await deleteExpiredKeys(orm.em, BATCH_SIZE);
      deleted += count;
      if (count < BATCH_SIZE) break;
    }
    if (deleted > 0) logger.debug({ deleted }, 'deleted expired idempotency keys');
    return deleted;
  };
  const timer = setInterval(() => {
    running ??= runOnce()
      .catch((error: unknown) => {
        logger.debug({ err: error }, 'could not delete expired idempotency keys; trying again later');
        return 0;
      })
      .finally(() => (running = undefined));
  }, intervalMs);
  timer.unref();
  return {
    runOnce,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
