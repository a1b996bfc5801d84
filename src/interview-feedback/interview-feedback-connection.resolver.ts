import { Extensions, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { AGGREGATES_OVER_INDEX } from '../graphql/cost-annotations';
import { InterviewFeedbackConnection } from './interview-feedback-connection';

@Resolver(() => InterviewFeedbackConnection)
export class InterviewFeedbackConnectionResolver {
  /** With the averages of the same sessions, one statement for the whole page of sessions (see SessionFeedbackResolver). */
  @FieldResolver(() => Int, { description: "the session's feedback, on all pages" })
  @Extensions(AGGREGATES_OVER_INDEX)
  async totalCount(@Root() connection: InterviewFeedbackConnection): Promise<number> {
    return (await connection.summary()).count;
  }
}
