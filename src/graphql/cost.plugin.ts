import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { budgetKeyOf } from './budgets/client-key';
import type { BudgetState, CostBudget } from './budgets/cost-budget';
import { extensionsWithStatus, overBudgetRefusal } from './client-errors';
import type { Context } from './context';
import type { OperationCosts } from './operation-costs';

/**
 * What `extensions.cost` of a response says: the cost of the operation, priced before it ran,
 * and, with a budget, where its client's budget stands.
 */
export type CostReport = { requested: number } & Partial<BudgetState>;

/**
 * Reports the cost of every operation that got as far as running in its response's
 * `extensions.cost`, so that clients see what their documents cost (query-cost.ts) and can pace
 * themselves. With a budget (CLIENT_COST_BUDGET), charges it to the client first, and refuses
 * an operation that would overdraw it before it runs: 429 RATE_LIMITED with Retry-After.
 * Runs before the request plugin, whose log line carries the same cost.
 */
export function costPlugin(costs: OperationCosts, budget: CostBudget | undefined): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      let report: CostReport | undefined;
      return {
        async didResolveOperation({ operation, contextValue }) {
          // No operation: the name matches none of the document's, and nothing will run.
          if (!operation) return;
          const requested = costs.of(operation);
          if (!budget) {
            report = { requested };
            return;
          }
          const charge = await budget.charge(budgetKeyOf(contextValue), requested);
          report = { requested, remaining: charge.remaining, limit: charge.limit, restoreRate: charge.restoreRate };
          if (!charge.granted) {
            const refusal = overBudgetRefusal(charge.retryAfterSeconds);
            throw new GraphQLError(refusal.message, { extensions: extensionsWithStatus(refusal) });
          }
        },
        async willSendResponse({ response }) {
          if (!report || response.body.kind !== 'single') return;
          const { singleResult } = response.body;
          singleResult.extensions = { ...singleResult.extensions, cost: report };
        },
      };
    },
  };
}
