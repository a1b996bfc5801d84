import type { FeatureModule } from '../feature-module';
import { InterviewFeedback } from './interview-feedback.entity';
import { InterviewFeedbackConnectionResolver } from './interview-feedback-connection.resolver';
import { InterviewFeedbackResolver } from './interview-feedback.resolver';
import { SessionFeedbackResolver } from './session-feedback.resolver';

/** Interviewers' feedback on sessions: the table, its mutations, and a session's feedback and average rating. */
export const interviewFeedbackModule: FeatureModule = {
  entities: [InterviewFeedback],
  resolvers: [InterviewFeedbackResolver, InterviewFeedbackConnectionResolver, SessionFeedbackResolver],
};
