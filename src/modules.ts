import type { FeatureModule } from './feature-module';
import { interviewSessionsModule } from './interview-sessions/interview-sessions.module';

/** Every feature of the API. A new one is a folder that exports its FeatureModule, and a line here. */
export const featureModules: readonly FeatureModule[] = [interviewSessionsModule];

export const entities = featureModules.flatMap((module) => module.entities);
export const resolvers = featureModules.flatMap((module) => module.resolvers) as FeatureModule['resolvers'];
