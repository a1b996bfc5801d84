import type { MikroORM } from '@mikro-orm/postgresql';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { PooledClient } from '../database/connection-health';
import type { ReplicaState } from '../database/replica-aware-driver';

export type RequestOutcome = 'ok' | 'client_error' | 'database_unavailable' | 'internal';

export interface Metrics {
  registry: Registry;
  observeGraphQLRequest(operation: string, outcome: RequestOutcome, seconds: number): void;
}

/** The knex connection object, as far as the metrics read it. */
type PoolResource = PooledClient & { __knex__disposed?: unknown; __knexLifetimeLimit?: number | null };

/**
 * Prometheus metrics, in a registry of this app's own (several apps can share a process in tests).
 * The pool's numbers are read from tarn at scrape time; its events feed the counters.
 */
export function createMetrics(orm: MikroORM, poolMax: number, replicas: readonly ReplicaState[] = []): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const pool = orm.em.getConnection().getKnex().client.pool;

  new Gauge({
    name: 'db_replica_up',
    help: 'Whether a read replica serves reads (1) or is skipped: down, lagging or not checked yet (0)',
    labelNames: ['replica', 'status'],
    registers: [registry],
    collect() {
      this.reset();
      for (const replica of replicas) this.set({ replica: replica.name, status: replica.status }, replica.status === 'ok' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'db_replica_lag_seconds',
    help: 'Replay lag of a read replica at its last check',
    labelNames: ['replica'],
    registers: [registry],
    collect() {
      this.reset();
      for (const replica of replicas) if (replica.lagSeconds !== null) this.set({ replica: replica.name }, replica.lagSeconds);
    },
  });

  new Gauge({
    name: 'db_pool_connections',
    help: 'Pool connections by state',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.set({ state: 'used' }, pool.numUsed());
      this.set({ state: 'free' }, pool.numFree());
    },
  });
  new Gauge({ name: 'db_pool_max_connections', help: 'Most connections the pool opens', registers: [registry] }).set(poolMax);
  new Gauge({
    name: 'db_pool_pending_acquires',
    help: 'Requests waiting for a connection',
    registers: [registry],
    collect() {
      this.set(pool.numPendingAcquires());
    },
  });
  new Gauge({
    name: 'db_pool_pending_creates',
    help: 'Connections being opened',
    registers: [registry],
    collect() {
      this.set(pool.numPendingCreates());
    },
  });

  const acquireWait = new Histogram({
    name: 'db_pool_acquire_duration_seconds',
    help: 'Time to get a connection from the pool (including opening and checking it)',
    labelNames: ['result'],
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2, 5],
    registers: [registry],
  });
  const created = new Counter({ name: 'db_pool_connections_created_total', help: 'Connections opened', registers: [registry] });
  const destroyed = new Counter({
    name: 'db_pool_connections_destroyed_total',
    help: 'Connections closed, by reason',
    labelNames: ['reason'],
    registers: [registry],
  });
  const acquireStarted = new Map<number, number>();
  pool.on('acquireRequest', (eventId: number) => acquireStarted.set(eventId, performance.now()));
  const acquireDone = (result: string) => (eventId: number) => {
    const started = acquireStarted.get(eventId);
    acquireStarted.delete(eventId);
    if (started !== undefined) acquireWait.observe({ result }, (performance.now() - started) / 1000);
  };
  pool.on('acquireSuccess', acquireDone('ok'));
  pool.on('acquireFail', acquireDone('failed'));
  pool.on('createSuccess', () => created.inc());
  pool.on('destroySuccess', (_eventId: number, resource: PoolResource) => destroyed.inc({ reason: destroyReason(resource) }));

  const requests = new Counter({
    name: 'graphql_requests_total',
    help: 'GraphQL requests by operation name and outcome',
    labelNames: ['operation', 'outcome'],
    registers: [registry],
  });
  const durations = new Histogram({
    name: 'graphql_request_duration_seconds',
    help: 'GraphQL request duration by operation name and outcome',
    labelNames: ['operation', 'outcome'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const databaseUnavailable = new Counter({
    name: 'graphql_database_unavailable_total',
    help: 'Responses that said DATABASE_UNAVAILABLE (HTTP 503)',
    registers: [registry],
  });

  return {
    registry,
    observeGraphQLRequest(operation, outcome, seconds) {
      requests.inc({ operation, outcome });
      durations.observe({ operation, outcome }, seconds);
      if (outcome === 'database_unavailable') databaseUnavailable.inc();
    },
  };
}

function destroyReason(resource: PoolResource): string {
  if (resource.discardReason) return resource.discardReason;
  if (resource.__knex__disposed) return 'connection_lost';
  if (resource.__knexLifetimeLimit && performance.now() > resource.__knexLifetimeLimit) return 'max_lifetime';
  return 'idle_or_pool_closed';
}
