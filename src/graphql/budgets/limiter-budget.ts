import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Charge, CostBudget } from './cost-budget';

/**
 * A budget kept by a rate-limiter-flexible limiter (in memory, or in Redis), which counts the
 * points each client spends over a window that starts with its first request and lasts
 * `limit / restoreRate` seconds; when it ends, the whole budget is back. So "enough has refilled"
 * when the window ends: that is the Retry-After of a refusal.
 */
export class LimiterBudget implements CostBudget {
  readonly restoreRate: number;

  constructor(private readonly limiter: RateLimiterAbstract) {
    this.restoreRate = Math.round((limiter.points / limiter.duration) * 100) / 100;
  }

  get limit(): number {
    return this.limiter.points;
  }

  /** Nothing to close: a store's connection belongs to whoever made it. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  /**
   * Rejects when the limiter's store fails (Redis down or slow). What is spent is read first, so
   * that a request that cannot fit is refused without being counted: the limiter counts what it
   * refuses, and giving points back is a second write, which can land in the next window.
   */
  async charge(client: string, cost: number): Promise<Charge> {
    const { limit, restoreRate } = this;
    const spent = await this.limiter.get(client);
    if (spent && spent.consumedPoints + cost > limit) return this.refused(spent, spent.consumedPoints);
    try {
      const charged = await this.limiter.consume(client, cost);
      return { granted: true, remaining: charged.remainingPoints, limit, restoreRate, refund: () => this.refund(client, cost) };
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      // Another request of the client was charged in between: these points were counted, give them back.
      await this.refund(client, cost);
      return this.refused(refusal, refusal.consumedPoints - cost);
    }
  }

  private refused(state: RateLimiterRes, spentBefore: number): Charge {
    const { limit, restoreRate } = this;
    return {
      granted: false,
      remaining: Math.max(limit - spentBefore, 0),
      retryAfterSeconds: Math.max(1, Math.ceil(state.msBeforeNext / 1000)),
      limit,
      restoreRate,
    };
  }

  /** Should giving back fail, the client waits for the window to end, as it would have anyway. */
  private refund(client: string, cost: number): Promise<void> {
    return this.limiter.reward(client, cost).then(
      () => undefined,
      () => undefined,
    );
  }
}
