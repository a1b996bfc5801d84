import { GraphQLError, type ValidationRule } from 'graphql';

/**
 * graphql-js 16 validates a `subscription` against a schema that has none and only fails at
 * execution, as an internal error. This rule (built into graphql-js 17) rejects it up front.
 */
export const KnownOperationTypesRule: ValidationRule = (context) => ({
  OperationDefinition(node) {
    if (!context.getSchema().getRootType(node.operation)) {
      context.reportError(new GraphQLError(`This API has no ${node.operation} operations`, { nodes: node }));
    }
  },
});
