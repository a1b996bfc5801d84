import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import {
  GraphQLError,
  isInputObjectType,
  isListType,
  isNonNullType,
  typeFromAST,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { ErrorCode } from '../error-codes';

/**
 * Refuses a list given for an input object in a variable, as the GraphQL spec asks ("if the value
 * is not a map, raise a request error"): graphql-js 16 and graphql-jit take `"filter": []` for an
 * empty filter, and would answer every session to a client that sent something else entirely.
 * HTTP 400 BAD_USER_INPUT, as Apollo answers other variables it cannot coerce.
 */
export function variableShapesPlugin(): ApolloServerPlugin {
  // The variables of each operation that hold an input object somewhere: most hold none.
  const objectVariables = new WeakMap<OperationDefinitionNode, { name: string; type: GraphQLInputType }[]>();
  const listener: GraphQLRequestListener<object> = {
    async didResolveOperation({ operation, schema, request }) {
      if (!operation?.variableDefinitions?.length || !request.variables) return;
      let checked = objectVariables.get(operation);
      if (!checked) objectVariables.set(operation, (checked = variablesHoldingObjects(operation, schema)));
      for (const { name, type } of checked) {
        if (!listWhereObjectBelongs(type, request.variables[name])) continue;
        throw new GraphQLError(`Variable "$${name}" got a list where an object is expected`, {
          extensions: { code: ErrorCode.BAD_USER_INPUT, http: { status: 400 } },
        });
      }
    },
  };
  return { requestDidStart: async ({ request }) => (request.variables ? listener : undefined) };
}

function variablesHoldingObjects(operation: OperationDefinitionNode, schema: GraphQLSchema): { name: string; type: GraphQLInputType }[] {
  return (operation.variableDefinitions ?? []).flatMap((definition) => {
    const type = typeFromAST(schema, definition.type) as GraphQLInputType | undefined;
    return type && holdsObject(type) ? [{ name: definition.variable.name.value, type }] : [];
  });
}

function holdsObject(type: GraphQLInputType): boolean {
  if (isNonNullType(type) || isListType(type)) return holdsObject(type.ofType);
  return isInputObjectType(type);
}

function listWhereObjectBelongs(type: GraphQLInputType, value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (isNonNullType(type)) return listWhereObjectBelongs(type.ofType, value);
  if (isListType(type)) {
    const itemType = type.ofType;
    return Array.isArray(value) ? value.some((item) => listWhereObjectBelongs(itemType, item)) : listWhereObjectBelongs(itemType, value);
  }
  if (!isInputObjectType(type)) return false;
  if (Array.isArray(value)) return true;
  if (typeof value !== 'object') return false;
  return Object.values(type.getFields()).some((field) =>
    listWhereObjectBelongs(field.type, (value as Record<string, unknown>)[field.name]),
  );
}
