import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../../observability/logger';
import { cancelRunningQuery } from './cancel-query';
import { discard, type PooledClient } from './connection-health';
import { knexClientOf, type KnexClient, type TarnPool } from './knex-client';
import { checkConnectionBudget, type BudgetOptions } from './pool-budget';

export interface PoolStats {
  used: number;
  free: number;
  /** Requests waiting for a connection. */
  pendingAcquires: number;
  /** Connections being opened. */
  pendingCreates: number;
}

export type DestroyReason = NonNullable<PooledClient['discardReason']> | 'connection_lost' | 'max_lifetime' | 'idle_or_pool_closed';

export interface PoolListener {
  acquired?(seconds: number, ok: boolean): void;
  created?(): void;
  destroyed?(reason: DestroyReason): void;
}

/** The knex connection object, as far as the reasons for closing it are read. */
type KnexResource = PooledClient & { __knex__disposed?: unknown; __knexLifetimeLimit?: number | null };

/**
 * The primary's connection pool (knex → tarn → node-postgres), seen from the rest of the server:
 * its numbers and events for the metrics, warm-up and the budget check at start, and cutting the
 * queries still running at the shutdown deadline. The only module that reads tarn's and knex's
 * internals.
 */
export class ConnectionPool {
  private readonly knex: KnexClient;
  private readonly tarn: TarnPool;

  constructor(
    private readonly orm: MikroORM,
    /** DB_POOL_MAX. */
    readonly max: number,
  ) {
    this.knex = knexClientOf(orm.em.getConnection());
    this.tarn = this.knex.pool;
  }

  stats(): PoolStats {
    return statsOf(this.tarn);
  }

  /** Subscribes to what happens to connections (for the metrics). */
  listen(listener: PoolListener): void {
    const acquireStarted = new Map<number, number>();
    const acquireDone = (ok: boolean) => (eventId: number) => {
      const started = acquireStarted.get(eventId);
      acquireStarted.delete(eventId);
      if (started !== undefined) listener.acquired?.((performance.now() - started) / 1000, ok);
    };
    this.tarn.on('acquireRequest', (eventId: number) => acquireStarted.set(eventId, performance.now()));
    this.tarn.on('acquireSuccess', acquireDone(true));
    this.tarn.on('acquireFail', acquireDone(false));
    this.tarn.on('createSuccess', () => listener.created?.());
    // Why, decided when tarn asks for the destroy: closing the connection then marks it as ended
    // (knex's __knex__disposed), which would read as a lost connection by the time it is done.
    const reasons = new WeakMap<KnexResource, DestroyReason>();
    this.tarn.on('destroyRequest', (_eventId: number, resource: KnexResource) => reasons.set(resource, destroyReason(resource)));
    this.tarn.on('destroySuccess', (_eventId: number, resource: KnexResource) =>
      listener.destroyed?.(reasons.get(resource) ?? destroyReason(resource)),
    );
  }

  /**
   * tarn never closes connections below `min` but opens them only on demand. Opening `min` at
   * start keeps the promise "at least DB_POOL_MIN connections open" from the first request on.
   * A database that is down at start is not fatal: the pool fills once it is back.
   */
  async warmUp(size: number, logger: Logger): Promise<void> {
    const attempts = await Promise.allSettled(Array.from({ length: size }, () => this.knex.acquireConnection()));
    for (const attempt of attempts) if (attempt.status === 'fulfilled') await this.knex.releaseConnection(attempt.value);
    const failure = attempts.find((attempt) => attempt.status === 'rejected');
    if (failure) logger.warn({ err: failure.reason }, 'could not open the initial pool connections; the database is not reachable yet');
  }

  checkBudget(options: BudgetOptions, logger: Logger) {
    return checkConnectionBudget(this.orm, options, logger);
  }

  /**
   * The shutdown deadline: cancels the statements still running, then drops their connections, so
   * that closing need not wait for them and no backend is left waiting for a lock on our behalf.
   */
  async abortQueries(): Promise<void> {
    const inUse = this.tarn.used.map(({ resource }) => resource);
    await Promise.all(inUse.map(cancelRunningQuery));
    for (const resource of inUse) discard(resource, 'shutdown');
  }
}

/** The numbers of a pool: the primary's or a replica's. */
export function statsOf(tarn: TarnPool): PoolStats {
  return {
    used: tarn.numUsed(),
    free: tarn.numFree(),
    pendingAcquires: tarn.numPendingAcquires(),
    pendingCreates: tarn.numPendingCreates(),
  };
}

/** Why a connection is (being) closed, read from the marks knex and connection-health.ts leave on it. */
export function destroyReason(resource: KnexResource): DestroyReason {
  if (resource.discardReason) return resource.discardReason;
  if (resource.__knex__disposed) return 'connection_lost';
  if (resource.__knexLifetimeLimit && performance.now() > resource.__knexLifetimeLimit) return 'max_lifetime';
  return 'idle_or_pool_closed';
}
