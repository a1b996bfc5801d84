import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import type { BudgetConfig } from '../../config/config';
import type { Logger } from '../../observability/logger';
import type { Metrics } from '../../observability/metrics';
import type { CostBudget } from './cost-budget';
import { LimiterBudget } from './limiter-budget';
import { connectRedis } from './redis-connection';
import { SharedBudget } from './shared-budget';

/**
 * The budget of each client, as configured: none; in memory, each instance keeping its share
 * (CLIENT_COST_BUDGET / EXPECTED_INSTANCES) for the requests it serves; or in Redis, one budget
 * per client across all instances, with the share in memory while Redis cannot answer.
 */
export async function openCostBudget(config: BudgetConfig | undefined, logger: Logger, metrics: Metrics): Promise<CostBudget | undefined> {
  if (!config) return undefined;
  // The window over which a budget is spent, and after which it is whole again.
  const duration = Math.ceil(config.size / config.restorePerSecond);
  const share = new LimiterBudget(new RateLimiterMemory({ points: Math.floor(config.size / config.expectedInstances), duration }));
  if (!config.redis) {
    logger.info(
      { points: share.limit, seconds: duration },
      "cost budgets: each instance keeps its share of each client's budget in memory",
    );
    return share;
  }
  const redis = await connectRedis(config.redis, logger);
  const shared = new LimiterBudget(
    new RateLimiterRedis({ storeClient: redis, points: config.size, duration, keyPrefix: `${config.redis.keyPrefix}cost-budget` }),
  );
  return new SharedBudget(redis, shared, share, logger, metrics);
}
