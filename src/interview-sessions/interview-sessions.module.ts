import type { FeatureModule } from '../feature-module';
import { InterviewSession } from './interview-session.entity';
import { InterviewSessionConnectionResolver } from './interview-session-connection.resolver';
import { InterviewSessionResolver } from './interview-session.resolver';

/** Interview sessions: the table, the queries and the mutations of their life cycle. */
export const interviewSessionsModule: FeatureModule = {
  entities: [InterviewSession],
  resolvers: [InterviewSessionResolver, InterviewSessionConnectionResolver],
};
