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

  /** Rejects when the limiter's store fails (Redis down or slow). */
  async charge(client: string, cost: number): Promise<Charge> {
    const { limit, restoreRate } = this;
    try {
      const charged = await this.limiter.consume(client, cost);
      return { granted: true, remaining: charged.remainingPoints, limit, restoreRate };
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      // The limiter counted the refused points too: give them back, so that a cheaper request
      // that fits what is left still runs. Should that fail, the client waits for the window
      // to end, as it would have anyway.
      await this.limiter.reward(client, cost).catch(() => undefined);
      return {
        granted: false,
        remaining: Math.max(limit - (refusal.consumedPoints - cost), 0),
        retryAfterSeconds: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)),
        limit,
        restoreRate,
      };
    }
  }
}
