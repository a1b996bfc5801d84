import { NAME_LENGTH, NAME_MAX_LENGTH } from '../domain/name-length';
import { Field, InputType } from 'type-graphql';
import { IsStorableDate } from './is-storable-date';
import { IsText } from '../graphql/is-text';

@InputType({ description: 'A new session; it starts SCHEDULED.' })
export class CreateInterviewSessionInput {
  @Field(() => String, { description: NAME_LENGTH })
  @IsText({ max: NAME_MAX_LENGTH })
  title!: string;

  @Field(() => String, { description: NAME_LENGTH })
  @IsText({ max: NAME_MAX_LENGTH })
  candidateName!: string;

  @Field(() => Date, { nullable: true })
  @IsStorableDate()
  scheduledAt?: Date | null;
}
