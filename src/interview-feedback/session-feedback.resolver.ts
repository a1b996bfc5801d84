import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Ctx, Extensions, FieldResolver, Float, Info, Int, Resolver, Root } from 'type-graphql';
import { AGGREGATES_OVER_INDEX, pagedUpTo } from '../graphql/cost-annotations';
import { ownFields } from '../connections/connection-selection';
import { KeysetCursors } from '../connections/cursor';
import { AFTER_ARGUMENT, firstArgument, type PageSizes } from '../connections/page-arguments';
import { requestedPage } from '../connections/requested-page';
import type { Context } from '../graphql/context';
import { InterviewSession } from '../interview-sessions/interview-session.entity';
import { FEEDBACK_ORDER } from './feedback-order';
import { InterviewFeedbackConnection } from './interview-feedback-connection';
import { InterviewFeedbackReads, type FeedbackSummary } from './interview-feedback.reads';

const PAGE_SIZE: PageSizes = { default: 20, max: 100 };

/** What feedback adds to a session: its pages, and its average. Both batched over a page of sessions. */
@Resolver(() => InterviewSession)
export class SessionFeedbackResolver {
  @FieldResolver(() => InterviewFeedbackConnection, { description: 'Its feedback, newest first; keyset-paginated.' })
  @Extensions(pagedUpTo(PAGE_SIZE.max))
  async feedback(
    @Root() session: { id: string },
    @Ctx() { db }: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg('first', () => Int, firstArgument(PAGE_SIZE)) first?: number | null,
    @Arg('after', () => String, AFTER_ARGUMENT) after?: string | null,
  ): Promise<InterviewFeedbackConnection> {
    const reads = new InterviewFeedbackReads(db);
    // totalCount comes from the statement that serves the sessions' averageRating. Asked for now,
    // in the tick the sessions' fields resolve in, it joins that batch; asked for by totalCount's
    // own resolver, a level deeper, it would be a statement of its own.
    let summary: Promise<FeedbackSummary> | undefined;
    const summaryOnce = () => (summary ??= reads.summaryOf(session.id));
    // Awaited by totalCount; when the page fails first, nothing else would handle its failure.
    if (ownFields(info).has('totalCount')) summaryOnce().catch(() => undefined);
    // A cursor belongs to its session's list: under another session it is refused.
    const cursors = new KeysetCursors(FEEDBACK_ORDER, session.id);
    const { page, hasPreviousPage } = await requestedPage(info, { first, after }, PAGE_SIZE, cursors, (request) =>
      reads.pageOf(session.id, request),
    );
    return new InterviewFeedbackConnection(page, cursors, hasPreviousPage, summaryOnce);
  }

  @FieldResolver(() => Float, { nullable: true, description: 'the mean rating of its feedback; null without feedback' })
  @Extensions(AGGREGATES_OVER_INDEX)
  async averageRating(@Root() session: { id: string }, @Ctx() { db }: Context): Promise<number | null> {
    return (await new InterviewFeedbackReads(db).summaryOf(session.id)).averageRating;
  }
}
