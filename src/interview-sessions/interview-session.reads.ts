import type { Page } from '../connections/connection';
import { EntityRows, type PlainEntity } from '../connections/entity-rows';
import { readPage, whereClause, type PageRequest, type Where } from '../connections/keyset-page';
import type { KeysetOrder } from '../connections/keyset-order';
import { loadById } from '../connections/rows-by-id';
import { onlyRow } from '../database/only-row';
import type { RequestDatabase } from '../database/request-database';
import { InterviewSession } from './interview-session.entity';
import type { InterviewSessionFilter } from './interview-session-filter.input';

/** A session as reads return it: the entity's fields as plain data. */
export type InterviewSessionData = PlainEntity<InterviewSession>;

/**
 * The reads of a request: plain rows of only the fields asked for (see connections/entity-rows.ts),
 * within the request's share of the pool. Writes go through the entity and the unit of work.
 */
export class InterviewSessionReads {
  private readonly rows: EntityRows<InterviewSession>;

  constructor(private readonly db: RequestDatabase) {
    this.rows = EntityRows.of(db, InterviewSession);
  }

  /** Batched (connections/rows-by-id.ts): a page of feedback asking for its sessions reads them at once. */
  findById(id: string, fields: ReadonlySet<string>): Promise<InterviewSessionData | null> {
    return loadById(this.db, this.rows, id, fields);
  }

  /** One page of the sessions the filter admits, in the order given (connections/keyset-page.ts). */
  findPage(
    filter: InterviewSessionFilter | null | undefined,
    order: KeysetOrder,
    request: PageRequest,
  ): Promise<Page<InterviewSessionData>> {
    return readPage(this.db, this.rows, order, toWhere(filter), request);
  }

  /** A count scans every matching row: an expensive read, within its share of the pool. */
  async countMatching(filter: InterviewSessionFilter | null | undefined): Promise<number> {
    const where = toWhere(filter);
    const sql = `select count(*)::int as count from ${this.rows.table} ${whereClause(where)}`;
    return onlyRow(await this.db.readRows<{ count: number }>(sql, where.params, { expensive: true })).count;
  }
}

function toWhere(filter: InterviewSessionFilter | null | undefined): Where {
  const where: Where = { conditions: [], params: [] };
  const add = (condition: string, param: unknown) => {
    where.conditions.push(condition);
    where.params.push(param);
  };
  if (filter?.status) add('status = ?', filter.status);
  if (filter?.createdAfter) add('created_at > ?', filter.createdAfter.toISOString());
  if (filter?.createdBefore) add('created_at < ?', filter.createdBefore.toISOString());
  return where;
}
