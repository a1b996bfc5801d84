import { createHash } from 'node:crypto';
import { HeaderMap, type HTTPGraphQLResponse } from '@apollo/server';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ErrorCode } from '../error-codes';
import type { Logger } from '../observability/logger';
import { variablesTooDeep } from './idempotency-errors';
import { claimKey, storeResponse, type Claim, type StoredResponse } from './idempotency-store';

/** What a claim means for the request that made it. */
export type ClaimOutcome = 'claimed' | 'in_use' | 'reused' | 'replay';

/** Error codes of a failure that may heal by itself: such an answer is not stored, so that a retry runs again. */
const TRANSIENT_CODES = new Set<unknown>([
  ErrorCode.DATABASE_UNAVAILABLE,
  ErrorCode.QUERY_TIMED_OUT,
  ErrorCode.TRANSACTION_CONFLICT,
  ErrorCode.EXPENSIVE_READS_BUSY,
]);

export const REPLAYED_HEADER = 'idempotent-replayed';

/**
 * One request sent with an Idempotency-Key, from its claim to its answer:
 *
 * 1. `claim` (when Apollo has resolved a mutation): begins the transaction the mutations will run
 *    in, and claims the key in it (idempotency-store.ts).
 * 2. Apollo executes, or not (a replay, a conflict, a refusal).
 * 3. `finish` (when Apollo has answered, with the exact bytes): the answer of an execution that
 *    did not fail transiently is stored and committed with the writes, in one transaction; any
 *    other ending rolls back, writes included, and the key is free again.
 */
export class IdempotentRequest {
  private claiming: Promise<Claim> | undefined;
  private fingerprint = '';
  private ran = false;
  private transient = false;
  private replaying = false;
  /** The response stored under the key, when it answers this request. */
  private stored: StoredResponse | undefined;

  constructor(
    readonly key: string,
    /** sha256 of the principal: keys of different principals never meet. */
    private readonly principal: string,
    private readonly em: () => EntityManager,
    private readonly ttlSeconds: number,
    private readonly logger: Logger,
  ) {}

  /** Whether the client gets the stored response. */
  get replayed(): boolean {
    return this.replaying;
  }

  /**
   * The stored response, when this request is a replay, asked for where Apollo would execute it:
   * no refusal (a scope, a budget) came first, and from now on it is what the client gets.
   */
  replayInsteadOfExecuting(): StoredResponse | undefined {
    this.replaying = this.stored !== undefined;
    return this.stored;
  }

  async claim(request: { source: string; operationName: string | null | undefined; variables: unknown }): Promise<ClaimOutcome> {
    this.fingerprint = fingerprintOf(request);
    const em = this.em();
    this.claiming = em.begin().then(() => claimKey(em, this.principal, this.key));
    const claim = await this.claiming;
    if (claim.kind !== 'stored') return claim.kind;
    if (claim.fingerprint !== this.fingerprint) return 'reused';
    this.stored = claim.response;
    return 'replay';
  }

  /**
   * What Apollo answered: whether the operation ran (its response has `data`: a request refused
   * before, variables that do not fit the document included, has none), and the error codes (a
   * transient failure is not stored).
   */
  answered({ ran, codes }: { ran: boolean; codes: readonly unknown[] }): void {
    this.ran = ran;
    this.transient = codes.some((code) => TRANSIENT_CODES.has(code));
  }

  /**
   * Stores and commits, or rolls back; returns what to send. Always ends the transaction the claim
   * began. Throws what made storing or committing fail, once it has rolled back.
   */
  async finish(response: HTTPGraphQLResponse): Promise<HTTPGraphQLResponse> {
    if (!this.claiming) return response;
    const em = this.em();
    const claim = await this.claiming.catch(() => undefined);
    if (claim?.kind === 'claimed' && this.ran && !this.transient && response.body.kind === 'complete') {
      const answer = { status: response.status ?? 200, headers: Object.fromEntries(response.headers), body: response.body.string };
      try {
        await storeResponse(em, {
          principal: this.principal,
          key: this.key,
          fingerprint: this.fingerprint,
          ttlSeconds: this.ttlSeconds,
          ...answer,
        });
        await em.commit();
        return response;
      } catch (error) {
        // Neither the writes nor the answer are kept (or, if COMMIT itself was cut, both are, and a
        // retry gets the answer): the caller must not tell the client that they were.
        await this.rollback(em);
        throw error;
      }
    }
    await this.rollback(em);
    return this.replaying && this.stored ? replayOf(this.stored) : response;
  }

  /** Apollo failed outright: whatever the claim began is rolled back. */
  async abandon(): Promise<void> {
    if (!this.claiming) return;
    await this.claiming.catch(() => undefined);
    await this.rollback(this.em());
  }

  private async rollback(em: EntityManager): Promise<void> {
    if (!em.isInTransaction()) return;
    await em.rollback().catch((error: unknown) => this.logger.warn({ err: error }, 'could not roll back an idempotent request'));
  }
}

function replayOf({ status, headers, body }: StoredResponse): HTTPGraphQLResponse {
  const replayed = new HeaderMap(Object.entries(headers));
  replayed.set(REPLAYED_HEADER, 'true');
  return { status, headers: replayed, body: { kind: 'complete', string: body } };
}

/** sha256 of the document, the operation name and the variables (keys in order): "the same request". */
function fingerprintOf({
  source,
  operationName,
  variables,
}: {
  source: string;
  operationName: string | null | undefined;
  variables: unknown;
}) {
  return createHash('sha256')
    .update(JSON.stringify([source, operationName ?? null, canonical(variables ?? {})]))
    .digest('hex');
}

/** Far deeper than any input of the schema nests, and shallow enough to walk by recursion. */
const MAX_VARIABLE_DEPTH = 32;

/** The value with every object's keys sorted: `{b, a}` and `{a, b}` are the same variables. */
function canonical(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth === MAX_VARIABLE_DEPTH) throw variablesTooDeep(MAX_VARIABLE_DEPTH);
  if (Array.isArray(value)) return value.map((item) => canonical(item, depth + 1));
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, canonical((value as Record<string, unknown>)[key], depth + 1)]),
  );
}
