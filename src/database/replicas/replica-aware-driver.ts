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
export class ReplicaAwarePostgreSqlDriver extends PostgreSqlDriver {
  readonly replicaStates: ReplicaState[] = this.replicas.map((_, index) => ({
    name: `replica-${index + 1}`,
    status: 'unknown',
    lagSeconds: null,
  }));
  private turn = 0;

  override getConnection(type: ConnectionType = 'write'): PostgreSqlConnection {
    if (type === 'write') return this.connection;
    const usable = this.replicas.filter((_, index) => this.replicaStates[index]!.status === 'ok');
    if (usable.length === 0) return this.connection;
    this.turn = (this.turn + 1) % usable.length;
    return usable[this.turn]!;
  }

  replicaConnections(): readonly PostgreSqlConnection[] {
    return this.replicas;
  }

  /** A read just failed on this replica: stop sending reads there until the monitor sees it well. */
  markReplicaDown(connection: object): ReplicaState | undefined {
    const state = this.replicaStates[this.replicas.findIndex((replica) => replica === connection)];
    if (state) state.status = 'down';
    return state;
  }
}
