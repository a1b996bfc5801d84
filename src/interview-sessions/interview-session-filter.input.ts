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

/**
 * What a cursor of the list remembers of its filter (connections/cursor.ts): the same conditions
 * give the same scope, whichever way the client wrote them.
 */
export function filterScope(filter: InterviewSessionFilter | null | undefined): string {
  return [filter?.status, filter?.createdAfter?.toISOString(), filter?.createdBefore?.toISOString()].map((part) => part ?? '').join('|');
}
