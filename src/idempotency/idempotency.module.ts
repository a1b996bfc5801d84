import type { FeatureModule } from '../feature-module';
import { IdempotencyKey } from './idempotency-key.entity';

/** Idempotency keys: a table of the responses to mutations sent with a key; no GraphQL of its own. */
export const idempotencyModule: FeatureModule = { entities: [IdempotencyKey] };
