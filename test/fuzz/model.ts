/**
 * The model: the rows the valid mutations created, in the status they must be in, as the
 * database stores their text. Cases check the answers against it and update it; at the end the
 * table must hold exactly these rows.
 */

export type Status = 'scheduled' | 'in_progress' | 'completed' | 'cancelled';

export const GRAPHQL_STATUS: Record<Status, string> = {
  scheduled: 'SCHEDULED',
  in_progress: 'IN_PROGRESS',
  completed: 'COMPLETED',
  cancelled: 'CANCELLED',
};

export interface Row {
  status: Status;
  title: string;
  candidateName: string;
}

export interface IssuedCursor {
  cursor: string;
  orderBy: string | undefined;
  filter: Record<string, string>;
}

export class Model {
  readonly rows = new Map<string, Row>();
  readonly deletedIds: string[] = [];
  /** Cursors the server issued, with the order and filter of their page, to be sent back later under the same ones. */
  readonly issuedCursors: IssuedCursor[] = [];

  /** A session the server says it created: scheduled, its text as sent (text that could not be stored as sent is refused). */
  created(session: { id: string; title: unknown; candidateName: unknown }): void {
    this.rows.set(session.id, {
      status: 'scheduled',
      title: String(session.title),
      candidateName: String(session.candidateName),
    });
  }

  deleted(id: string): void {
    this.rows.delete(id);
    this.deletedIds.push(id);
  }

  count(status: Status): number {
    return [...this.rows.values()].filter((row) => row.status === status).length;
  }
}
