import { context, createContextKey, trace, type Tracer } from '@opentelemetry/api';
import type { Database } from '../database/database';
import { destroyReason, statsOf, type DestroyReason } from '../database/pool/connection-pool';
import { knexClientOf, type KnexClient } from '../database/pool/knex-client';
import type { ReplicaAwarePostgreSqlDriver } from '../database/replicas/replica-aware-driver';
import { recordFailure } from './span-failure';
import { traceStatements } from './statement-spans';

/** What the checks of one wait threw away, gathered where tarn runs them. */
interface Wait {
  discarded: DestroyReason[];
}
const WAIT = createContextKey('db.pool.acquire wait');

/** Spans of the waits and statements on every pool: the primary's, and each replica's under its name (replica-1…). */
export function traceDatabase({ orm }: Database, tracer: Tracer): void {
  const driver = orm.em.getDriver() as ReplicaAwarePostgreSqlDriver;
  tracePool(knexClientOf(driver.getConnection('write')), 'primary', tracer);
  for (const { connection, state } of driver.replicaSet) tracePool(knexClientOf(connection), state.name, tracer);
}

/**
 * `db.pool.acquire`: the wait of a traced request for a connection of this pool, however it
 * asks (the raw reads through withPooledClient, MikroORM's writes and transactions through
 * knex's runner: both call the knex client's acquireConnection). With the pool as the wait found
 * it (max, open, in use, waiting before it), then what the checkout did: whether the connection
 * handed out was pre-pinged (`ok`) or trusted without a ping (`skipped`: used moments ago, or
 * just opened; `off` without DB_POOL_PRE_PING), whether it was opened for this wait, and the
 * connections its checks dropped on the way, by reason (`pre_ping_failed`, `distrusted`…).
 *
 * tarn checks a connection where the wait asked for it (a free one), or where another request
 * released one; the drops are counted in the first case, the common one, and the connection
 * handed out always says how it was checked. Every connection the pool hands out is given its
 * statement spans (statement-spans.ts).
 */
function tracePool(knex: KnexClient, poolName: string, tracer: Tracer): void {
  const { pool } = knex;
  const acquire = knex.acquireConnection.bind(knex);
  const validate = pool.validate.bind(pool);
  pool.validate = (resource) => {
    const wait = context.active().getValue(WAIT) as Wait | undefined;
    const valid = validate(resource);
    if (!wait) return valid;
    return Promise.resolve(valid).then((ok) => {
      if (!ok) wait.discarded.push(destroyReason(resource));
      return ok;
    });
  };
  knex.acquireConnection = async () => {
    const parent = context.active();
    if (!trace.getSpan(parent)?.isRecording()) {
      const client = await acquire();
      traceStatements(client, tracer);
      return client;
    }
    const { used, free, pendingAcquires } = statsOf(pool);
    const startedAt = performance.now();
    const span = tracer.startSpan(
      'db.pool.acquire',
      {
        attributes: {
          'db.client.connection.pool.name': poolName,
          'db.pool.max': pool.max,
          'db.pool.size': used + free,
          'db.pool.in_use': used,
          'db.pool.pending': pendingAcquires,
        },
      },
      parent,
    );
    const wait: Wait = { discarded: [] };
    try {
      const client = await context.with(parent.setValue(WAIT, wait), acquire);
      span.setAttributes({
        'db.pool.pre_ping': client.lastCheck === 'pinged' ? 'ok' : client.lastCheck === 'trusted' ? 'skipped' : 'off',
        'db.pool.connection.new': (client.openedAt ?? -Infinity) >= startedAt,
      });
      traceStatements(client, tracer);
      return client;
    } catch (error) {
      recordFailure(span, error);
      throw error;
    } finally {
      if (wait.discarded.length > 0) span.setAttribute('db.pool.discarded', wait.discarded);
      span.end();
    }
  };
}
