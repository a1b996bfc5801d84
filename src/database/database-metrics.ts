import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Database } from './database';
import type { ConnectionPool } from './pool/connection-pool';
import type { PoolSharing } from './pool/pool-sharing';
import type { ReplicaState } from './replicas/replica-aware-driver';

/**
 * The database's metrics, in the app's registry: the pool's numbers read at scrape time and its
 * events counted, the share of expensive reads, the replicas' state.
 */
export function registerDatabaseMetrics(registry: Registry, { pool, sharing, replicas }: Database): void {
  registerPoolMetrics(registry, pool);
  registerSharingMetrics(registry, sharing);
  registerReplicaMetrics(registry, replicas);
}

function registerPoolMetrics(registry: Registry, pool: ConnectionPool): void {
  const registers = [registry];
  new Gauge({
    name: 'db_pool_connections',
    help: 'Pool connections by state',
    labelNames: ['state'],
    registers,
    collect() {
      const { used, free } = pool.stats();
      this.set({ state: 'used' }, used);
      this.set({ state: 'free' }, free);
    },
  });
  new Gauge({ name: 'db_pool_max_connections', help: 'Most connections the pool opens', registers }).set(pool.max);
  new Gauge({
    name: 'db_pool_pending_acquires',
    help: 'Requests waiting for a connection',
    registers,
    collect() {
      this.set(pool.stats().pendingAcquires);
    },
  });
  new Gauge({
    name: 'db_pool_pending_creates',
    help: 'Connections being opened',
    registers,
    collect() {
      this.set(pool.stats().pendingCreates);
    },
  });
  const acquireWait = new Histogram({
    name: 'db_pool_acquire_duration_seconds',
    help: 'Time to get a connection from the pool (including opening and checking it)',
    labelNames: ['result'],
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2, 5],
    registers,
  });
  const created = new Counter({ name: 'db_pool_connections_created_total', help: 'Connections opened', registers });
  const destroyed = new Counter({
    name: 'db_pool_connections_destroyed_total',
    help: 'Connections closed, by reason',
    labelNames: ['reason'],
    registers,
  });
  pool.listen({
    acquired: (seconds, ok) => acquireWait.observe({ result: ok ? 'ok' : 'failed' }, seconds),
    created: () => created.inc(),
    destroyed: (reason) => destroyed.inc({ reason }),
  });
}

function registerSharingMetrics(registry: Registry, sharing: PoolSharing): void {
  const { expensiveReads } = sharing;
  new Gauge({ name: 'db_expensive_reads_max', help: 'Connections expensive reads (counts) may hold at once', registers: [registry] }).set(
    expensiveReads.capacity,
  );
  new Gauge({
    name: 'db_expensive_reads',
    help: 'Expensive reads (counts) running, and waiting for their share of the pool',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.set({ state: 'running' }, expensiveReads.inUse);
      this.set({ state: 'waiting' }, expensiveReads.waiting);
    },
  });
}

function registerReplicaMetrics(registry: Registry, replicas: readonly ReplicaState[]): void {
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
}
