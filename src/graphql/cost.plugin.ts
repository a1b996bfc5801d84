import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { budgetKeyOf } from './budgets/client-key';
import type { BudgetState, Charge, CostBudget } from './budgets/cost-budget';
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
 * an operation that would overdraw it before it runs: 429 RATE_LIMITED with Retry-After. A
 * request that then runs nothing (refused by another check, or a replay of an Idempotency-Key)
 * gets its points back.
 * Runs before the request plugin, whose log line carries the same cost.
 */
export function costPlugin(costs: OperationCosts, budget: CostBudget | undefined): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      let report: CostReport | undefined;
      let charging: Promise<Charge> | undefined;
      let executed = false;
      return {
        async didResolveOperation({ operation, contextValue }) {
          // No operation: the name matches none of the document's, and nothing will run.
          if (!operation) return;
          const requested = costs.of(operation);
          if (!budget) {
            report = { requested };
            return;
          }
          charging = budget.charge(budgetKeyOf(contextValue), requested);
          const charge = await charging;
          report = { requested, remaining: charge.remaining, limit: charge.limit, restoreRate: charge.restoreRate };
          if (!charge.granted) {
            const refusal = overBudgetRefusal(charge.retryAfterSeconds);
            throw new GraphQLError(refusal.message, { extensions: extensionsWithStatus(refusal) });
          }
        },
        async executionDidStart() {
          executed = true;
        },
        async willSendResponse({ response }) {
          if (report && response.body.kind === 'single') {
            const { singleResult } = response.body;
            singleResult.extensions = { ...singleResult.extensions, cost: report };
          }
          // Apollo runs the plugins' didResolveOperation side by side: another may have refused
          // the request (its scope, its key in use) while the charge was on its way.
          const charge = await charging?.catch(() => undefined);
          if (charge?.granted && !executed) {
            await charge.refund();
            if (report?.remaining !== undefined) report.remaining += report.requested;
          }
        },
      };
    },
  };
}
