import { EntityRepository } from '@mikro-orm/postgresql';
import { readWithRetry, type ReadConnection } from '../database/read-retry';
import { parseTimestamptz } from '../database/timestamptz';
import type { CursorPosition } from './cursor';
import type { InterviewSession } from './interview-session.entity';
import type { InterviewSessionFilter } from './interview-session-filter.input';

/** A session as the API shows it: the entity's fields, without ORM bookkeeping. */
export type InterviewSessionData = Pick<
  InterviewSession,
  'id' | 'title' | 'candidateName' | 'status' | 'scheduledAt' | 'startedAt' | 'completedAt' | 'createdAt' | 'updatedAt'
>;
export type SessionField = keyof InterviewSessionData;

export interface SessionPage {
  sessions: InterviewSessionData[];
  hasNextPage: boolean;
}

const COLUMNS: Record<SessionField, string> = {
  id: 'id',
  title: 'title',
  candidateName: 'candidate_name',
  status: 'status',
  scheduledAt: 'scheduled_at',
  startedAt: 'started_at',
  completedAt: 'completed_at',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
};
const TIMESTAMPS = new Set<SessionField>(['scheduledAt', 'startedAt', 'completedAt', 'createdAt', 'updatedAt']);
/** A page's cursor needs these whatever the client selected. */
const CURSOR_FIELDS: SessionField[] = ['id', 'createdAt'];

/**
 * Reads are plain SQL returning plain rows: a read-only list needs no identity map, change
 * tracking or hydration, which cost more CPU than the query itself. Only the selected columns
 * are read. Writes go through the entity and the unit of work.
 *
 * Every read goes through readWithRetry: to a healthy replica when there is one, and a replica
 * or a connection that failed under it costs one retry, not an error.
 */
export class InterviewSessionRepository extends EntityRepository<InterviewSession> {
  findById(id: string, fields: Iterable<string>): Promise<InterviewSessionData | null> {
    return readWithRetry(this.getEntityManager(), async (connection) => {
      const [row] = await rows(connection, `select ${selectList(fields)} from interview_session where id = ?`, [id]);
      return row ?? null;
    });
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
    fields: Iterable<string>,
  ): Promise<SessionPage> {
    const where = toWhere(filter);
    if (after) {
      where.conditions.push('(created_at, id) < (?, ?)');
      where.params.push(after.createdAt.toISOString(), after.id);
    }
    const sql =
      `select ${selectList([...fields, ...CURSOR_FIELDS])} from interview_session ${whereClause(where)} ` +
      // One extra row tells whether a next page exists.
      'order by created_at desc, id desc limit ?';
    const page = await readWithRetry(this.getEntityManager(), (connection) => rows(connection, sql, [...where.params, first + 1]));
    return { sessions: page.slice(0, first), hasNextPage: page.length > first };
  }

  countMatching(filter: InterviewSessionFilter | null | undefined): Promise<number> {
    const where = toWhere(filter);
    return readWithRetry(this.getEntityManager(), async (connection) => {
      const sql = `select count(*)::int as count from interview_session ${whereClause(where)}`;
      const [row] = await connection.execute<{ count: number }[]>(sql, where.params);
      return row!.count;
    });
  }
}

async function rows(connection: ReadConnection, sql: string, params: unknown[]): Promise<InterviewSessionData[]> {
  const result = await connection.execute<Record<string, unknown>[]>(sql, params);
  for (const row of result) {
    for (const field of TIMESTAMPS) {
      const value = row[field];
      if (typeof value === 'string') row[field] = parseTimestamptz(value);
    }
  }
  return result as unknown as InterviewSessionData[];
}

/** `column as "field"` for each known field; unknown names are ignored. */
function selectList(fields: Iterable<string>): string {
  const columns = new Set<string>();
  for (const field of fields) {
    if (!(field in COLUMNS)) continue;
    columns.add(`${COLUMNS[field as SessionField]} as "${field}"`);
  }
  if (columns.size === 0) columns.add('id as "id"');
  return [...columns].join(', ');
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
