import { NAME_LENGTH, NAME_MAX_LENGTH } from '../domain/name-length';
import { ValidateIf } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { IsText } from '../graphql/is-text';
import { IsStorableDate } from './is-storable-date';

const isGiven = (_input: object, value: unknown) => value !== undefined;

@InputType({ description: 'The fields to change; an omitted field keeps its value.' })
export class UpdateInterviewSessionInput {
  @Field(() => String, { nullable: true, description: `${NAME_LENGTH}; cannot be null` })
  @ValidateIf(isGiven)
  @IsText({ max: NAME_MAX_LENGTH })
  title?: string;

  @Field(() => String, { nullable: true, description: `${NAME_LENGTH}; cannot be null` })
  @ValidateIf(isGiven)
  @IsText({ max: NAME_MAX_LENGTH })
  candidateName?: string;

  @Field(() => Date, { nullable: true, description: 'null clears it' })
  @IsStorableDate()
  scheduledAt?: Date | null;
}
