import { EntityRows, type PlainEntity } from '../database/entity-rows';
import { onlyRow } from '../database/only-row';
import type { RequestDatabase } from '../database/request-database';
import type { CursorPosition } from './cursor';
import { InterviewSession } from './interview-session.entity';
import type { InterviewSessionFilter } from './interview-session-filter.input';

/** A session as reads return it: the entity's fields as plain data. */
export type InterviewSessionData = PlainEntity<InterviewSession>;

export interface SessionPage {
  sessions: InterviewSessionData[];
  hasNextPage: boolean;
}

/** A page's cursor needs these whatever the client selected. */
const CURSOR_FIELDS = ['id', 'createdAt'] as const;

/**
 * The reads of a request: plain rows of only the fields asked for (see database/entity-rows.ts),
 * within the request's share of the pool. Writes go through the entity and the unit of work.
 */
export class InterviewSessionReads {
  private readonly rows: EntityRows<InterviewSession>;

  constructor(private readonly db: RequestDatabase) {
    this.rows = EntityRows.of(db, InterviewSession);
  }

  async findById(id: string, fields: ReadonlySet<string>): Promise<InterviewSessionData | null> {
    const { rows } = this;
    const [session] = await rows.read(this.db, `select ${rows.selectList(fields)} from ${rows.table} where id = ?`, [id]);
    return session ?? null;
  }

  /**
   * One page, newest first, strictly after the cursor. The row comparison `(created_at, id) < (…)`
   * is an index condition on (created_at desc, id desc) and (status, created_at desc, id desc),
   * so the scan starts at the cursor instead of walking past every earlier row.
   */
  async findPage(
    filter: InterviewSessionFilter | null | undefined,
    first: number,
    after: CursorPosition | undefined,
    fields: ReadonlySet<string>,
  ): Promise<SessionPage> {
    const { rows } = this;
    const where = toWhere(filter);
    if (after) {
      where.conditions.push('(created_at, id) < (?, ?)');
      where.params.push(after.createdAt.toISOString(), after.id);
    }
    const sql =
      `select ${rows.selectList(fields, CURSOR_FIELDS)} from ${rows.table} ${whereClause(where)} ` +
      // One extra row tells whether a next page exists.
      'order by created_at desc, id desc limit ?';
    const page = await rows.read(this.db, sql, [...where.params, first + 1]);
    return { sessions: page.slice(0, first), hasNextPage: page.length > first };
  }

  /** A count scans every matching row: an expensive read, within its share of the pool. */
  async countMatching(filter: InterviewSessionFilter | null | undefined): Promise<number> {
    const where = toWhere(filter);
    const sql = `select count(*)::int as count from ${this.rows.table} ${whereClause(where)}`;
    return onlyRow(await this.db.readRows<{ count: number }>(sql, where.params, { expensive: true })).count;
  }
}

interface Where {
  conditions: string[];
  params: unknown[];
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

function whereClause({ conditions }: Where): string {
  return conditions.length > 0 ? `where ${conditions.join(' and ')}` : '';
}
