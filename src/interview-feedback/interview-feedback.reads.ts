import { loadChildPage } from '../connections/child-pages';
import type { Page } from '../connections/connection';
import { EntityRows, type PlainEntity } from '../connections/entity-rows';
import type { PageRequest } from '../connections/keyset-page';
import type { RequestDatabase } from '../database/request-database';
import { FEEDBACK_ORDER } from './feedback-order';
import { InterviewFeedback } from './interview-feedback.entity';

/** Feedback as reads return it: the entity's fields as plain data, `session` the session's id. */
export type InterviewFeedbackData = PlainEntity<InterviewFeedback>;

/** What a session's feedback adds up to. */
export interface FeedbackSummary {
  count: number;
  /** null without feedback. */
  averageRating: number | null;
}

const NO_FEEDBACK: FeedbackSummary = { count: 0, averageRating: null };

/**
 * The reads of a request's feedback, each batched over the sessions of a page: one statement for
 * all their pages, one for all their counts and averages, whatever the number of sessions.
 */
export class InterviewFeedbackReads {
  private readonly rows: EntityRows<InterviewFeedback>;

  constructor(private readonly db: RequestDatabase) {
    this.rows = EntityRows.of(db, InterviewFeedback);
  }

  /** A session's feedback, newest first (connections/child-pages.ts). */
  pageOf(sessionId: string, request: PageRequest): Promise<Page<InterviewFeedbackData>> {
    return loadChildPage(this.db, this.rows, FEEDBACK_ORDER, 'session', sessionId, request);
  }

  /**
   * A session's count and average: both from one statement over the sessions' entries of the
   * feedback index, which holds the rating too (an index-only scan, no table).
   */
  summaryOf(sessionId: string): Promise<FeedbackSummary> {
    const { db, rows } = this;
    return db
      .loader<string, FeedbackSummary>('feedback summaries', async (sessionIds) => {
        const sql =
          `select ${rows.column('session')} as "session", count(*)::int as "count", avg("rating")::float8 as "averageRating" ` +
          `from ${rows.table} where ${rows.column('session')} = any(?::uuid[]) group by ${rows.column('session')}`;
        const found = await db.readRows<FeedbackSummary & { session: string }>(sql, [sessionIds]);
        const bySession = new Map(found.map(({ session, ...summary }) => [session, summary]));
        return sessionIds.map((id) => bySession.get(id) ?? NO_FEEDBACK);
      })
      .load(sessionId);
  }
}
