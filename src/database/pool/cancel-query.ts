import { Connection } from 'pg';
import type { PooledClient } from './connection-health';

/** A cancel request that has not been taken in by then is given up: the shutdown goes on. */
const CANCEL_TIMEOUT_MS = 1_000;

/** What PostgreSQL's protocol-level cancel request needs: the backend's process id and secret key. */
type Cancellable = PooledClient & { processID?: number | null; secretKey?: number | null };

/**
 * Asks PostgreSQL to cancel the statement running on `client`'s backend, with the protocol's
 * CancelRequest on a connection of its own (what `pg_cancel_backend` does, and the only way that
 * goes through PgBouncer too). Closing the client's socket is not enough: a backend waiting on a
 * lock does not notice that its client left, and holds its place in the lock queue until then.
 * Resolves once PostgreSQL has taken the request in (it closes that connection), or after a second.
 */
export function cancelRunningQuery(client: Cancellable): Promise<void> {
  const { processID, secretKey, host, port } = client;
  if (processID == null || secretKey == null) return Promise.resolve();
  return new Promise((done) => {
    const connection = new Connection() as Connection & {
      connect(port: number | string, host?: string): void;
      cancel(processID: number, secretKey: number): void;
    };
    const timer = setTimeout(finish, CANCEL_TIMEOUT_MS);
    function finish() {
      clearTimeout(timer);
      connection.stream.destroy();
      done();
    }
    connection.on('connect', () => connection.cancel(processID, secretKey));
    connection.on('end', finish);
    connection.on('error', finish);
    if (host.startsWith('/')) connection.connect(`${host}/.s.PGSQL.${port}`);
    else connection.connect(port, host);
  });
}
