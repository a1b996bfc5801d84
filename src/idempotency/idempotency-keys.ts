import type { EntityManager } from '@mikro-orm/postgresql';
import type { Principal } from '../auth/principal';
import type { Logger } from '../observability/logger';
import { sha256 } from '../sha256';
import { IdempotentRequest } from './idempotent-request';

/** The idempotency settings, and the state of each request sent with a key. */
export class IdempotencyKeys {
  constructor(
    private readonly ttlSeconds: number,
    private readonly logger: Logger,
  ) {}

  /**
   * The request's idempotency, when it came with a key. A key belongs to its principal's owner (the
   * token's subject, or the token when it has none; one anonymous owner without authentication): two clients using the same
   * key never see each other's answers.
   */
  keyedRequest(key: string | undefined, principal: Principal, em: () => EntityManager): IdempotentRequest | undefined {
    if (key === undefined) return undefined;
    const owner = sha256(principal.owner);
    return new IdempotentRequest(key, owner, em, this.ttlSeconds, this.logger);
  }
}
