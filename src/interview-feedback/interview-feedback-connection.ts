import { ObjectType } from 'type-graphql';
import { connectionOf, type Page } from '../connections/connection';
import type { KeysetCursors } from '../connections/cursor';
import { InterviewFeedback } from './interview-feedback.entity';
import type { FeedbackSummary, InterviewFeedbackData } from './interview-feedback.reads';

@ObjectType({ description: "A page of a session's feedback, newest first.", simpleResolvers: true })
export class InterviewFeedbackConnection extends connectionOf<InterviewFeedbackData>(InterviewFeedback, 'InterviewFeedback') {
  constructor(
    page: Page<InterviewFeedbackData>,
    cursors: KeysetCursors,
    hasPreviousPage: boolean,
    /** Not a field: the count and average of the session's feedback, read once, for `totalCount`. */
    readonly summary: () => Promise<FeedbackSummary>,
  ) {
    super(page, cursors, hasPreviousPage);
  }
}
