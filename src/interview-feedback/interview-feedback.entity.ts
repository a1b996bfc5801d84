import { nameLengthCheck } from '../domain/name-length';
import { Check, Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { v7 as uuidv7 } from 'uuid';
import { keysetIndex } from '../connections/keyset-index';
import { InterviewSession } from '../interview-sessions/interview-session.entity';
import { FEEDBACK_ORDER } from './feedback-order';

const TABLE = 'interview_feedback';

/**
 * One interviewer's feedback on a session: the table `interview_feedback` and the GraphQL type.
 * Deleting the session deletes its feedback (the foreign key's `on delete cascade`).
 */
@ObjectType({ description: "An interviewer's feedback on a session.", simpleResolvers: true })
@Entity({ tableName: TABLE })
// A session's feedback page is a scan of its entries, newest first; its count and average read
// the same entries, the rating included, without the table (an index-only scan). The foreign
// key's own index: the cascade finds a session's feedback through it.
@Index(keysetIndex(TABLE, 'interview_feedback_session_created_at_index', FEEDBACK_ORDER, { leading: ['session_id'], include: ['rating'] }))
@Check({ name: 'interview_feedback_rating_check', expression: '(rating >= 1) AND (rating <= 5)' })
@Check({
  name: 'interview_feedback_interviewer_name_length_check',
  expression: nameLengthCheck('interviewer_name'),
})
@Check({ name: 'interview_feedback_notes_length_check', expression: '(char_length(notes) <= 5000)' })
export class InterviewFeedback {
  [OptionalProps]?: 'createdAt';

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  /** The session's id (`mapToPk`): GraphQL's `session` field resolves it (interview-feedback.resolver.ts). */
  @ManyToOne(() => InterviewSession, { mapToPk: true, deleteRule: 'cascade', index: false })
  session!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  interviewerName!: string;

  @Field(() => Int, { description: '1 to 5' })
  @Property({ type: 'smallint' })
  rating!: number;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  notes?: string | null;

  @Field(() => Date)
  @Property({ type: 'datetime', length: 3 })
  createdAt: Date = new Date();
}
