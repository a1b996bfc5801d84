import { Redis } from 'ioredis';
import type { BudgetConfig } from '../../config/config';
import type { Logger } from '../../observability/logger';

/** How long the start waits for Redis: then it goes on, and the budgets are kept in memory until Redis answers. */
const START_WAIT_MS = 2_000;
/** Longest pause between two attempts to reconnect: Redis back is Redis used again within a second. */
const MAX_RECONNECT_DELAY_MS = 1_000;

/**
 * A connection to Redis that never makes a request wait for long: a command fails at once while
 * the connection is down (no offline queue, no retries), and after REDIS_TIMEOUT_MS when Redis
 * is slow; the connection is made again in the background, for as long as it takes. Resolves
 * once connected, or after a short wait at start if Redis is not there: the server starts
 * either way.
 */
export async function connectRedis({ url, timeoutMs }: NonNullable<BudgetConfig['redis']>, logger: Logger): Promise<Redis> {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: timeoutMs,
    // A stop waits for Redis to close the connection no longer than a request waits for an answer.
    disconnectTimeout: timeoutMs,
    connectTimeout: START_WAIT_MS,
    retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
  });
  // Every failed attempt to reconnect is an 'error': the budget logs what requests see instead.
  redis.on('error', (error: Error) => logger.debug({ err: error }, 'Redis connection error'));
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), START_WAIT_MS);
    const settle = (connected: boolean) => {
      clearTimeout(timer);
      resolve(connected);
    };
    redis.once('ready', () => settle(true));
    redis.once('error', () => settle(false));
  });
  if (ready) logger.info('cost budgets: shared through Redis');
  else logger.warn('cost budgets: Redis cannot be reached; each instance keeps its share in memory until it can');
  return redis;
}
