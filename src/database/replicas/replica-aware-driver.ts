import type { ConnectionType } from '@mikro-orm/core';
import { PostgreSqlDriver, type PostgreSqlConnection } from '@mikro-orm/postgresql';

export type ReplicaStatus = 'unknown' | 'ok' | 'lagging' | 'down';

export interface ReplicaState {
  /** replica-1, replica-2…: in logs, metrics and readiness, never the host. */
  name: string;
  status: ReplicaStatus;
  lagSeconds: number | null;
}

/**
 * MikroORM sends a read to a random replica, reachable or not. This driver sends reads only to
 * replicas last seen up and caught up (see replica-monitor.ts), in turn, and to the primary when
 * there is none. Writes, and everything inside a transaction, stay on the primary as in MikroORM.
 */
export interface Replica {
  readonly connection: PostgreSqlConnection;
  readonly state: ReplicaState;
}

export class ReplicaAwarePostgreSqlDriver extends PostgreSqlDriver {
  readonly replicaSet: readonly Replica[] = this.replicas.map((connection, index) => ({
    connection,
    state: { name: `replica-${index + 1}`, status: 'unknown', lagSeconds: null },
  }));
  private turn = 0;

  override getConnection(type: ConnectionType = 'write'): PostgreSqlConnection {
    if (type === 'write' || this.replicaSet.length === 0) return this.connection;
    const usable = this.replicaSet.filter((replica) => replica.state.status === 'ok');
    this.turn = (this.turn + 1) % Math.max(usable.length, 1);
    return usable[this.turn]?.connection ?? this.connection;
  }

  /** A read just failed on this replica: stop sending reads there until the monitor sees it well. */
  markReplicaDown(connection: object): void {
    const replica = this.replicaSet.find((candidate) => candidate.connection === connection);
    if (replica) replica.state.status = 'down';
  }
}
