import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from './context';
import type { OperationCosts } from './operation-costs';

/** What `extensions.cost` of a response says: the cost of the operation, priced before it ran. */
export interface CostReport {
  requested: number;
}

/**
 * Reports the cost of every operation that got as far as running in its response's
 * `extensions.cost`, so that clients see what their documents cost (query-cost.ts) and can pace
 * themselves. Runs before the request plugin, whose log line carries the same cost.
 */
export function costPlugin(costs: OperationCosts): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      let report: CostReport | undefined;
      return {
        async didResolveOperation({ operation }) {
          // No operation: the name matches none of the document's, and nothing will run.
          if (operation) report = { requested: costs.of(operation) };
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
