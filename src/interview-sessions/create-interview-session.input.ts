import { Field, InputType } from 'type-graphql';
import { IsStorableDate } from './is-storable-date';
import { IsSessionText } from './is-session-text';

@InputType({ description: 'A new session; it starts SCHEDULED.' })
export class CreateInterviewSessionInput {
  @Field(() => String, { description: '1 to 200 characters' })
  @IsSessionText()
  title!: string;

  @Field(() => String, { description: '1 to 200 characters' })
  @IsSessionText()
  candidateName!: string;

  @Field(() => Date, { nullable: true })
  @IsStorableDate()
  scheduledAt?: Date | null;
}
