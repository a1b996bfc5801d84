import { NAME_LENGTH, NAME_MAX_LENGTH } from '../domain/name-length';
import { IsOptional, Max, Min } from 'class-validator';
import { Field, InputType, Int } from 'type-graphql';
import { IsText } from '../graphql/is-text';

@InputType({ description: "An interviewer's feedback on a session that is IN_PROGRESS or COMPLETED." })
export class AddInterviewFeedbackInput {
  @Field(() => String, { description: NAME_LENGTH })
  @IsText({ max: NAME_MAX_LENGTH })
  interviewerName!: string;

  @Field(() => Int, { description: '1 to 5' })
  @Min(1, { message: '$property must be 1 to 5' })
  @Max(5, { message: '$property must be 1 to 5' })
  rating!: number;

  @Field(() => String, { nullable: true, description: 'up to 5,000 characters' })
  @IsOptional()
  @IsText({ max: 5_000, blankAllowed: true })
  notes?: string | null;
}
