import type { NonEmptyArray } from 'type-graphql';
import type { FeatureModule } from './feature-module';
import { idempotencyModule } from './idempotency/idempotency.module';
import { interviewFeedbackModule } from './interview-feedback/interview-feedback.module';
import { interviewSessionsModule } from './interview-sessions/interview-sessions.module';

/** Every feature of the API. A new one is a folder that exports its FeatureModule, and a line here. */
export const featureModules: readonly FeatureModule[] = [interviewSessionsModule, interviewFeedbackModule, idempotencyModule];

export const entities = featureModules.flatMap((module) => module.entities);
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- type-graphql's own type for resolver classes
export const resolvers = featureModules.flatMap((module) => module.resolvers ?? []) as NonEmptyArray<Function>;
