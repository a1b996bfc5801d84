import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { spawnOwned } from './owned-processes';
import { startFailure, startOnFreePort } from './ports';

/**
 * Redis for the specs. The machine's own (REDIS_URL, shared with others: a test writes only
 * under a key prefix of its own, and deletes only those keys), or a disposable redis-server a
 * test starts and stops itself (to take Redis away mid-run without touching the shared one).
 */

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const REDIS_SERVER_BIN = process.env.TEST_REDIS_SERVER_BIN ?? '/usr/bin/redis-server';

/** A key prefix no one else uses. */
export const testKeyPrefix = () => `test-${randomUUID()}:`;

/** Deletes the keys under `prefix`: what the test wrote, and nothing else. */
export async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 100 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) await redis.del(...keys);
    }
  } finally {
    await redis.quit();
  }
}

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** SIGKILL, as a crash: no goodbye to its clients. Resolves once it has exited. Idempotent. */
  stop(): Promise<void>;
}

/**
 * A redis-server of the test's own, on `port` (default: a free one), keeping nothing on disk,
 * run as a child of the test process (support/owned-processes.ts), so that it dies with it.
 */
export async function startRedisServer(port?: number): Promise<RedisServer> {
  const launch = async (free: number): Promise<RedisServer> => {
    const server = spawnOwned(
      REDIS_SERVER_BIN,
      ['--port', String(free), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      'SIGKILL',
    );
    try {
      await server.waitForOutput(/Ready to accept connections/, `redis-server to listen on ${free}`, 10_000);
    } catch (error) {
      await server.stop('SIGKILL');
      throw startFailure(error, free, server.output());
    }
    return {
      port: free,
      url: `redis://127.0.0.1:${free}`,
      stop: async () => {
        await server.stop('SIGKILL');
      },
    };
  };
  return port === undefined ? startOnFreePort(launch) : launch(port);
}
