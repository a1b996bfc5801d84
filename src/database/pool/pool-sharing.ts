import type { PoolSharingConfig } from '../../config/config';
import { ConcurrencyLimit } from './concurrency-limit';

/** Seconds an expensive read should wait before it is tried again, when their share of the pool was busy. */
export const EXPENSIVE_READS_RETRY_AFTER_SECONDS = 5;

/** An expensive read waited DB_EXPENSIVE_READS_WAIT_MS for its share of the pool and did not get it. */
export class ExpensiveReadsBusyError extends Error {
  override name = 'ExpensiveReadsBusyError';

  constructor() {
    super('Expensive reads (counts) are using their whole share of the database connections');
  }
}

/**
 * How requests share the pool, so that no client can take the database away from the others:
 *
 * - one request holds at most DB_MAX_CONNECTIONS_PER_REQUEST connections at once; its other reads
 *   wait their turn (a document of thirty aliases runs thirty queries, a few at a time);
 * - expensive reads (counts, which scan) hold at most their share of the pool across all
 *   requests, so cheap reads always find a connection; past DB_EXPENSIVE_READS_WAIT_MS in line an
 *   expensive read is refused (ExpensiveReadsBusyError) instead of piling up.
 */
export class PoolSharing {
  readonly expensiveReads: ConcurrencyLimit;

  constructor(private readonly config: PoolSharingConfig) {
    this.expensiveReads = new ConcurrencyLimit(config.expensiveReads);
  }

  /** The connection limit of one request. */
  newRequestLimit(): ConcurrencyLimit {
    return new ConcurrencyLimit(this.config.connectionsPerRequest);
  }

  runExpensive<T>(read: () => Promise<T>): Promise<T> {
    return this.expensiveReads.run(read, this.config.expensiveReadsWaitMs, () => new ExpensiveReadsBusyError());
  }
}
