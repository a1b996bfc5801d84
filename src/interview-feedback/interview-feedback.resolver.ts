import { LockMode } from '@mikro-orm/core';
import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, Ctx, FieldResolver, ID, Info, Mutation, Resolver, Root } from 'type-graphql';
import { describedWithScope, SESSIONS_WRITE } from '../auth/scopes';
import { ownFields } from '../connections/connection-selection';
import { NotFoundError } from '../domain/domain-error';
import { entityId } from '../domain/entity-id';
import type { Context } from '../graphql/context';
import { InvalidStatusTransitionError } from '../interview-sessions/errors';
import { InterviewSession } from '../interview-sessions/interview-session.entity';
import { InterviewSessionStatus, statusName } from '../interview-sessions/interview-session-status';
import { InterviewSessionReads, type InterviewSessionData } from '../interview-sessions/interview-session.reads';
import { AddInterviewFeedbackInput } from './add-interview-feedback.input';
import { InterviewFeedback } from './interview-feedback.entity';

/** Feedback is given on a session that has started: while it runs, or once it is over. */
const OPEN_FOR_FEEDBACK: readonly InterviewSessionStatus[] = [InterviewSessionStatus.IN_PROGRESS, InterviewSessionStatus.COMPLETED];

@Resolver(() => InterviewFeedback)
export class InterviewFeedbackResolver {
  @Authorized(SESSIONS_WRITE)
  @Mutation(() => InterviewFeedback, {
    description: describedWithScope(SESSIONS_WRITE, 'Feedback on a session that is IN_PROGRESS or COMPLETED.'),
  })
  addInterviewFeedback(
    @Arg('sessionId', () => ID) sessionId: string,
    @Arg('input', () => AddInterviewFeedbackInput) input: AddInterviewFeedbackInput,
    @Ctx() { em }: Context,
  ): Promise<InterviewFeedback> {
    const key = entityId(sessionId, 'session', 'sessionId');
    return em.transactional(async (tx) => {
      // A shared lock: until the feedback is in, the session can neither change status (a
      // transition locks it for update) nor be deleted.
      const session = await tx.findOne(InterviewSession, key, { fields: ['status'], lockMode: LockMode.PESSIMISTIC_READ });
      if (!session) throw new NotFoundError('InterviewSession', sessionId);
      if (!OPEN_FOR_FEEDBACK.includes(session.status)) throw new InvalidStatusTransitionError(statusName(session.status), 'given feedback');
      // Every field of the input is a column of the same name: a field added to both needs no edit here.
      return tx.create(InterviewFeedback, Object.assign({ session: key }, input));
    });
  }

  @Authorized(SESSIONS_WRITE)
  @Mutation(() => Boolean, {
    description: describedWithScope(SESSIONS_WRITE, 'true when the feedback was deleted, false when it did not exist.'),
  })
  async deleteInterviewFeedback(@Arg('id', () => ID) id: string, @Ctx() { em }: Context): Promise<boolean> {
    return (await em.nativeDelete(InterviewFeedback, { id: entityId(id, 'feedback') })) > 0;
  }

  /** Batched: a page of feedback reads its sessions in one statement. */
  @FieldResolver(() => InterviewSession, { description: 'the session it is on' })
  async session(
    @Root() feedback: { session: string },
    @Ctx() { db }: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<InterviewSessionData> {
    const session = await new InterviewSessionReads(db).findById(feedback.session, ownFields(info));
    // Deleted since the feedback was read: its feedback went with it.
    if (!session) throw new NotFoundError('InterviewSession', feedback.session);
    return session;
  }
}
