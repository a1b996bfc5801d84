import { EntityRepository, type QBFilterQuery } from '@mikro-orm/postgresql';
import { readWithRetry } from '../database/read-retry';
import type { CursorPosition } from './cursor';
import type { InterviewSession } from './interview-session.entity';
import type { InterviewSessionFilter } from './interview-session-filter.input';

export interface SessionPage {
  sessions: InterviewSession[];
  hasNextPage: boolean;
}

/** Reads go through readWithRetry: a connection that broke under a read costs one retry, not an error. */
export class InterviewSessionRepository extends EntityRepository<InterviewSession> {
  findById(id: string): Promise<InterviewSession | null> {
    return readWithRetry(() => this.findOne(id));
  }

  /**
   * One page, newest first, strictly after the cursor. The row comparison `(created_at, id) < (…)`
   * is an index condition on (created_at desc, id desc) and (status, created_at desc, id desc),
   * so the scan starts at the cursor instead of walking past every earlier row.
   */
  async findPage(filter: InterviewSessionFilter | null | undefined, first: number, after?: CursorPosition): Promise<SessionPage> {
    const rows = await readWithRetry(() => {
      const query = this.createQueryBuilder('s')
        .where(toWhere(filter))
        .orderBy({ createdAt: 'desc', id: 'desc' })
        .limit(first + 1); // one extra row tells whether a next page exists
      if (after) query.andWhere('(s.created_at, s.id) < (?, ?)', [after.createdAt.toISOString(), after.id]);
      return query.getResultList();
    });
    return { sessions: rows.slice(0, first), hasNextPage: rows.length > first };
  }

  countMatching(filter: InterviewSessionFilter | null | undefined): Promise<number> {
    return readWithRetry(() => this.count(toWhere(filter)));
  }
}

function toWhere(filter: InterviewSessionFilter | null | undefined): QBFilterQuery<InterviewSession> {
  const where: QBFilterQuery<InterviewSession> & Record<string, unknown> = {};
  if (filter?.status) where.status = filter.status;
  if (filter?.createdAfter || filter?.createdBefore) {
    where.createdAt = {
      ...(filter.createdAfter && { $gt: filter.createdAfter }),
      ...(filter.createdBefore && { $lt: filter.createdBefore }),
    };
  }
  return where;
}
