import { Field, InputType } from 'type-graphql';
import { IsStorableDate } from './is-storable-date';
import { InterviewSessionStatus } from './interview-session-status';

@InputType({ description: 'Every given condition must hold.' })
export class InterviewSessionFilter {
  @Field(() => InterviewSessionStatus, { nullable: true })
  status?: InterviewSessionStatus | null;

  @Field(() => Date, { nullable: true, description: 'created strictly after this instant' })
  @IsStorableDate()
  createdAfter?: Date | null;

  @Field(() => Date, { nullable: true, description: 'created strictly before this instant' })
  @IsStorableDate()
  createdBefore?: Date | null;
}
