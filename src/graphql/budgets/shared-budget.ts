import type { Redis } from 'ioredis';
import type { Logger } from '../../observability/logger';
import type { Metrics } from '../../observability/metrics';
import type { Charge, CostBudget } from './cost-budget';
import type { LimiterBudget } from './limiter-budget';

/** Why the shared budget could not be asked: Redis too slow (REDIS_TIMEOUT_MS), or not connected. */
type BudgetMiss = 'timeout' | 'unavailable';

/**
 * One budget per client across all instances, in Redis; when Redis cannot answer within
 * REDIS_TIMEOUT_MS (down, slow), the request is charged to this instance's share in memory
 * instead, as without Redis: it is served as any other, never failed for Redis. Each miss is
 * counted; the first of a run of misses is logged, and so is the end of the run.
 */
export class SharedBudget implements CostBudget {
  private missesInARow = 0;

  constructor(
    private readonly redis: Redis,
    private readonly shared: LimiterBudget,
    private readonly local: LimiterBudget,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {}

  async charge(client: string, cost: number): Promise<Charge> {
    let charge: Charge;
    try {
      charge = await this.shared.charge(client, cost);
    } catch (error) {
      this.missed(error);
      return this.local.charge(client, cost);
    }
    if (this.missesInARow > 0) {
      this.logger.info({ misses: this.missesInARow }, 'cost budgets: Redis answers again; budgets are shared again');
      this.missesInARow = 0;
    }
    return charge;
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }

  private missed(error: unknown): void {
    const reason: BudgetMiss = error instanceof Error && /timed out/i.test(error.message) ? 'timeout' : 'unavailable';
    this.metrics.observeBudgetMiss(reason);
    if (this.missesInARow++ === 0) {
      this.logger.warn(
        { reason, err: error },
        "cost budgets: Redis did not answer; requests are charged to this instance's share in memory",
      );
    }
  }
}
