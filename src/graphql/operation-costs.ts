import type { OperationDefinitionNode } from 'graphql';

/**
 * The cost of every operation validation has priced (query-limits.ts), kept with its syntax tree.
 * Apollo validates a document once and then reuses the same tree from its document cache, so a
 * request reads its cost here instead of pricing its document again; a tree Apollo has dropped
 * takes its cost with it.
 */
export class OperationCosts {
  private readonly costs = new WeakMap<OperationDefinitionNode, number>();

  record(operation: OperationDefinitionNode, cost: number): void {
    this.costs.set(operation, cost);
  }

  /** Every operation that reaches execution has passed validation, which priced it. */
  of(operation: OperationDefinitionNode): number {
    const cost = this.costs.get(operation);
    if (cost === undefined) throw new Error(`operation ${operation.name?.value ?? '(anonymous)'} was never priced`);
    return cost;
  }
}
