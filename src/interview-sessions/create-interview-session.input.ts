import { Field, InputType } from 'type-graphql';
import { IsStorableDate } from './is-storable-date';
import { IsText } from '../graphql/is-text';

@InputType({ description: 'A new session; it starts SCHEDULED.' })
export class CreateInterviewSessionInput {
  @Field(() => String, { description: '1 to 200 characters' })
  @IsText({ max: 200 })
  title!: string;

  @Field(() => String, { description: '1 to 200 characters' })
  @IsText({ max: 200 })
  candidateName!: string;

  @Field(() => Date, { nullable: true })
  @IsStorableDate()
  scheduledAt?: Date | null;
}
