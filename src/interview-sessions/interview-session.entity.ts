import { nameLengthCheck } from '../domain/name-length';
import { Check, Entity, Enum, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { v7 as uuidv7 } from 'uuid';
import { keysetIndex } from '../connections/keyset-index';
import { SESSION_ORDERS } from './interview-session-order';
import { InterviewSessionStatus } from './interview-session-status';

const TABLE = 'interview_session';
/** CREATED_AT_ASC reads CREATED_AT_DESC's indexes backwards. */
const { CREATED_AT_DESC, SCHEDULED_AT_ASC, SCHEDULED_AT_DESC, UPDATED_AT_DESC } = SESSION_ORDERS;
const STATUS_FIRST = { leading: ['status'] };

/**
 * One interview session: the table `interview_session` and the GraphQL type of the same shape.
 *
 * Timestamps are stored with millisecond precision (timestamptz(3)), the precision of a
 * JavaScript Date, so a value read back, put in a cursor and compared again is exactly equal.
 */
@ObjectType({ description: 'An interview with one candidate.', simpleResolvers: true })
@Entity({ tableName: TABLE })
@Index({ name: 'interview_session_status_index', properties: ['status'] })
// One index per order, and one per order under the status filter: no order sorts the table.
@Index(keysetIndex(TABLE, 'interview_session_created_at_index', CREATED_AT_DESC))
@Index(keysetIndex(TABLE, 'interview_session_status_created_at_index', CREATED_AT_DESC, STATUS_FIRST))
@Index(keysetIndex(TABLE, 'interview_session_scheduled_at_asc_index', SCHEDULED_AT_ASC))
@Index(keysetIndex(TABLE, 'interview_session_status_scheduled_at_asc_index', SCHEDULED_AT_ASC, STATUS_FIRST))
@Index(keysetIndex(TABLE, 'interview_session_scheduled_at_desc_index', SCHEDULED_AT_DESC))
@Index(keysetIndex(TABLE, 'interview_session_status_scheduled_at_desc_index', SCHEDULED_AT_DESC, STATUS_FIRST))
@Index(keysetIndex(TABLE, 'interview_session_updated_at_index', UPDATED_AT_DESC))
@Index(keysetIndex(TABLE, 'interview_session_status_updated_at_index', UPDATED_AT_DESC, STATUS_FIRST))
@Check({ name: 'interview_session_title_length_check', expression: nameLengthCheck('title') })
@Check({
  name: 'interview_session_candidate_name_length_check',
  expression: nameLengthCheck('candidate_name'),
})
export class InterviewSession {
  [OptionalProps]?: 'status' | 'createdAt' | 'updatedAt' | 'version';

  /** Time-ordered (UUID v7): new rows land at the end of the primary key index. */
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = uuidv7();

  @Field(() => String)
  @Property({ type: 'text' })
  title!: string;

  @Field(() => String)
  @Property({ type: 'text' })
  candidateName!: string;

  @Field(() => InterviewSessionStatus)
  @Enum({ items: () => InterviewSessionStatus, type: 'text', default: InterviewSessionStatus.SCHEDULED })
  status: InterviewSessionStatus = InterviewSessionStatus.SCHEDULED;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', length: 3, nullable: true })
  scheduledAt?: Date | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', length: 3, nullable: true })
  startedAt?: Date | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'datetime', length: 3, nullable: true })
  completedAt?: Date | null;

  @Field(() => Date)
  @Property({ type: 'datetime', length: 3 })
  createdAt: Date = new Date();

  /** Starts equal to createdAt: one instant, not two clock reads. */
  @Field(() => Date)
  @Property({ type: 'datetime', length: 3, onUpdate: () => new Date() })
  updatedAt: Date = this.createdAt;

  /**
   * 1 when created, one more on every change (MikroORM's version property: every UPDATE carries
   * `and version = ?`). A client sends back the version it read as `expectedVersion`.
   */
  @Field(() => Int, { description: '1 when created, one more on every change; send it back as expectedVersion' })
  @Property({ version: true, default: 1 })
  version!: number;
}
