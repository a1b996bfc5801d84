import { Kind, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { DocumentCost } from '../../graphql/query-cost';

/**
 * The cost of an operation (graphql/query-cost.ts), priced once per document: Apollo hands every
 * request of a cached document the same operation node, so the price is remembered on it and
 * forgotten with it.
 */
export function operationCosts(schema: GraphQLSchema, countCost: number) {
  const costs = new WeakMap<OperationDefinitionNode, number>();
  return (operation: OperationDefinitionNode, document: DocumentNode): number => {
    let cost = costs.get(operation);
    if (cost === undefined) {
      const fragments = new Map<string, FragmentDefinitionNode>();
      for (const definition of document.definitions) {
        if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
      }
      const priced = new DocumentCost(schema, (name) => fragments.get(name), countCost).of(operation);
      cost = typeof priced === 'number' ? priced : priced.atLeast;
      costs.set(operation, cost);
    }
    return cost;
  };
}
