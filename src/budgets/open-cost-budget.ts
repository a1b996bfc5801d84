import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { BudgetConfig } from '../config/config';
import type { Logger } from '../observability/logger';
import type { CostBudget } from './cost-budget';
import { LimiterBudget } from './limiter-budget';

/**
 * The budget of each client, as configured: none, or in memory, each instance keeping its share
 * (CLIENT_COST_BUDGET / EXPECTED_INSTANCES) for the requests it serves.
 */
export function openCostBudget(config: BudgetConfig | undefined, logger: Logger): CostBudget | undefined {
  if (!config) return undefined;
  // The window over which a budget is spent, and after which it is whole again.
  const duration = Math.ceil(config.size / config.restorePerSecond);
  const share = new LimiterBudget(new RateLimiterMemory({ points: Math.floor(config.size / config.expectedInstances), duration }));
  logger.info({ points: share.limit, seconds: duration }, "cost budgets: each instance keeps its share of each client's budget in memory");
  return share;
}
