import { Kind, type DocumentNode } from 'graphql';

const META_FIELDS = new Set(['__schema', '__type', '__typename']);

/**
 * Whether a document asks only about the schema: every operation selects nothing but
 * `__schema`, `__type` and `__typename` at its root. Validation then keeps everything below
 * them on the introspection types (GraphiQL's and codegen's introspection queries are such
 * documents). GRAPHQL_INTROSPECTION alone decides whether those run, trusted documents or not.
 */
export function isIntrospectionOnly(document: DocumentNode): boolean {
  return document.definitions.every(
    (definition) =>
      definition.kind !== Kind.OPERATION_DEFINITION ||
      definition.selectionSet.selections.every((selection) => selection.kind === Kind.FIELD && META_FIELDS.has(selection.name.value)),
  );
}
