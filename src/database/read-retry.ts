import type { EntityManager } from '@mikro-orm/postgresql';
import { isConnectionLost, isDatabaseUnavailable } from './database-problem';
import { ReplicaAwarePostgreSqlDriver } from './replicas/replica-aware-driver';

/**
 * Runs a read on the read connection (a healthy replica, else the primary) or, for a request that
 * writes, on the primary (request-database.ts), and once more when
 * the first attempt could not be served:
 * - on a replica that turned out unreachable: the replica is skipped from now on and the read
 *   goes to the primary, so a dying replica costs no error;
 * - on a connection that broke under it (a backend killed, a socket reset or gone silent): the
 *   pool hands out a fresh, checked connection.
 * Only for reads: a write may have been applied before its connection broke, so it is never
 * retried blindly.
 */
export type ReadConnection = ReturnType<EntityManager['getConnection']>;

/** Where a read may go: `read`, a replica when there is a healthy one; `write`, the primary. */
export type ReadSide = 'read' | 'write';

export async function readWithRetry<T>(em: EntityManager, side: ReadSide, read: (connection: ReadConnection) => Promise<T>): Promise<T> {
  const readConnection = () => em.getConnection(side);
  const connection = readConnection();
  try {
    return await read(connection);
  } catch (error) {
    const driver = em.getDriver();
    const onReplica = connection !== em.getConnection('write');
    if (onReplica && driver instanceof ReplicaAwarePostgreSqlDriver && isDatabaseUnavailable(error)) {
      driver.markReplicaDown(connection);
      return read(em.getConnection('write'));
    }
    if (!isConnectionLost(error)) throw error;
    return read(readConnection());
  }
}
