import type { Client } from 'pg';

/** What the pool needs of a pooled node-postgres client; the timestamp is ours. */
export type PooledClient = Client & {
  /** performance.now() of the last time this connection was known to work. */
  lastKnownAliveAt?: number;
  /** node-postgres' protocol connection; its socket is destroyed to drop a dead connection at once. */
  connection?: { stream?: { destroy(): void } };
};

export interface PrePingOptions {
  timeoutMs: number;
  /** A connection known alive this recently is handed out without a round trip (HikariCP's aliveBypassWindowMs). */
  bypassMs: number;
}

/**
 * The pool's check before checkout (tarn's `validate`): `select 1` with its own short timeout.
 *
 * One dead connection is a sign: the others idle since at least as long were most likely cut by
 * the same event (a restart, a failover, a NAT or firewall dropping idle flows). They are
 * evicted in bulk without a round trip each, as HikariCP does, so a request behind them does
 * not pay one ping timeout per stale connection.
 */
export function createPrePing({ timeoutMs, bypassMs }: PrePingOptions) {
  let distrustAliveBefore = -Infinity;

  const markAlive = (client: PooledClient) => {
    client.lastKnownAliveAt = performance.now();
  };

  const validate = async (client: PooledClient): Promise<boolean> => {
    const lastAlive = client.lastKnownAliveAt ?? -Infinity;
    if (lastAlive <= distrustAliveBefore) {
      discard(client);
      return false;
    }
    if (performance.now() - lastAlive < bypassMs) {
      markAlive(client);
      return true;
    }
    try {
      await client.query({ text: 'select 1', query_timeout: timeoutMs } as never);
      markAlive(client);
      return true;
    } catch {
      distrustAliveBefore = Math.max(distrustAliveBefore, lastAlive);
      discard(client);
      return false;
    }
  };

  return { validate, markAlive };
}

/**
 * A graceful `end()` waits for the server's goodbye, which a silent socket never sends;
 * destroying the socket frees the connection at once.
 */
function discard(client: PooledClient): void {
  client.connection?.stream?.destroy();
}
