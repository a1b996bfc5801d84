import type { Client, QueryConfig } from 'pg';
import { isConnectionLost } from '../database-problem';

/** What the pool needs of a pooled node-postgres client; the timestamp is ours. */
export type PooledClient = Client & {
  /** performance.now() of the last time this connection was known to work. */
  lastKnownAliveAt?: number;
  /** performance.now() of its opening. */
  openedAt?: number;
  /** What the check before its latest checkout did: a pre-ping it answered, or none needed (alive moments ago). */
  lastCheck?: 'pinged' | 'trusted';
  /** Why this module dropped it, for the metrics. */
  discardReason?: 'pre_ping_failed' | 'distrusted' | 'query_timeout' | 'connection_lost' | 'shutdown';
  /** False behind PgBouncer in transaction mode: a prepared statement would not outlive its transaction there. */
  preparedStatements?: boolean;
};

export interface ConnectionHealthOptions {
  prePingTimeoutMs: number;
  /** A connection known alive this recently is handed out without a round trip (HikariCP's aliveBypassWindowMs). */
  prePingBypassMs: number;
}

type QueryCallback = (error: Error | null, result?: unknown) => void;

/** Each pooled client's own query(), before onCreate wrapped it. */
const unwrappedQueries = new WeakMap<PooledClient, (config: unknown) => unknown>();

/**
 * Keeps dead connections away from requests. Two hooks into the pool (knex → tarn):
 *
 * - `onCreate` (afterCreate): a new connection is alive. A query that times out on it destroys
 *   its socket: node-postgres leaves a timed-out query's connection open and busy, so the
 *   ROLLBACK that follows would wait on the silent socket for another full timeout. A query
 *   whose connection broke makes the pool distrust the idle ones of that age (see below), so
 *   the retry of a read does not land on another stale connection.
 * - `validate` (before every checkout): `select 1` with its own short timeout. One dead
 *   connection is a sign: the others idle since at least as long were most likely cut by the
 *   same event (a restart, a failover, a NAT or firewall dropping idle flows). They are evicted in
 *   bulk without a round trip each, as HikariCP does, so a request behind them does not pay one
 *   ping timeout per stale connection.
 */
export function createConnectionHealth({ prePingTimeoutMs, prePingBypassMs }: ConnectionHealthOptions) {
  let distrustAliveBefore = -Infinity;

  const markAlive = (client: PooledClient) => {
    client.lastKnownAliveAt = performance.now();
  };

  const distrust = (client: PooledClient, reason: 'pre_ping_failed' | 'query_timeout' | 'connection_lost') => {
    distrustAliveBefore = Math.max(distrustAliveBefore, client.lastKnownAliveAt ?? -Infinity);
    discard(client, reason);
  };

  const onCreate = (client: PooledClient): void => {
    markAlive(client);
    client.openedAt = client.lastKnownAliveAt;
    const query = client.query.bind(client) as (config: unknown, callback?: QueryCallback) => unknown;
    unwrappedQueries.set(client, query);
    const onFailure = (error: unknown) => {
      if (error instanceof Error && error.message === 'Query read timeout') distrust(client, 'query_timeout');
      else if (isConnectionLost(error)) distrust(client, 'connection_lost');
    };
    // knex calls query(config, callback); reads that skip knex use the promise form.
    client.query = ((config: unknown, callback?: QueryCallback) => {
      if (typeof callback !== 'function') {
        return (query(config) as Promise<unknown>).catch((error: unknown) => {
          onFailure(error);
          throw error;
        });
      }
      return query(config, (error: Error | null, result?: unknown) => {
        if (error) onFailure(error);
        callback(error, result);
      });
    }) as never;
  };

  const validate = async (client: PooledClient): Promise<boolean> => {
    const lastAlive = client.lastKnownAliveAt ?? -Infinity;
    // Idle since before a connection was found dead (or timed out itself, see onCreate).
    if (lastAlive <= distrustAliveBefore) {
      discard(client, 'distrusted');
      return false;
    }
    if (performance.now() - lastAlive < prePingBypassMs) {
      markAlive(client);
      client.lastCheck = 'trusted';
      return true;
    }
    try {
      // query_timeout per query: node-postgres honours it, its types list it for the client only.
      // Unwrapped: a failed check is judged here, as a failed check.
      const query = unwrappedQueries.get(client) ?? client.query.bind(client);
      await query({ text: 'select 1', query_timeout: prePingTimeoutMs } as QueryConfig);
      markAlive(client);
      client.lastCheck = 'pinged';
      return true;
    } catch {
      distrust(client, 'pre_ping_failed');
      return false;
    }
  };

  return { onCreate, validate };
}

/**
 * A graceful `end()` waits for the server's goodbye, which a silent socket never sends;
 * destroying the socket frees the connection at once.
 */
export function discard(client: PooledClient, reason: NonNullable<PooledClient['discardReason']>): void {
  client.discardReason ??= reason;
  client.connection.stream.destroy();
}
