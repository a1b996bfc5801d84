import { HeaderMap, type ApolloServerPlugin, type GraphQLRequestListener } from '@apollo/server';
import { GraphQLError, Kind, OperationTypeNode, type DocumentNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { Scope } from '../auth/scopes';
import { ErrorCode } from '../error-codes';
import type { Context } from './context';

/**
 * What a mutation's result may hold for a token that can write but not read: which object it
 * changed, and its version. Anything else is data the token could not read with a query.
 */
const RECEIPT_FIELDS = new Set(['id', 'version', '__typename']);

/**
 * A token that may write but not read gets from a mutation no more than a query would give it:
 * a mutation that selects anything beyond `id` and `version` needs `readScope` too. The request
 * is refused before anything runs (HTTP 403, FORBIDDEN, RFC 6750's insufficient_scope), rather
 * than refused field by field after the write: a write applied with a refusal for an answer
 * would leave the client unsure whether it happened, and tempted to send it again.
 */
export function mutationResultScopePlugin(readScope: Scope): ApolloServerPlugin<Context> {
  // By operation: Apollo keeps parsed documents, so each is walked once.
  const readsBeyondReceipt = new WeakMap<OperationDefinitionNode, boolean>();
  const listener: GraphQLRequestListener<Context> = {
    async didResolveOperation({ operation, document }) {
      if (operation?.operation !== OperationTypeNode.MUTATION) return;
      let reads = readsBeyondReceipt.get(operation);
      if (reads === undefined) readsBeyondReceipt.set(operation, (reads = selectsBeyondReceipt(operation, document)));
      if (reads) throw insufficientScope(readScope);
    },
  };
  // A token that may read (or no authentication at all) needs no look at the document.
  return { requestDidStart: async ({ contextValue }) => (contextValue.principal.grants(readScope) ? undefined : listener) };
}

/** Whether a field below a root field of the operation is not part of a receipt, through fragments. */
function selectsBeyondReceipt(operation: OperationDefinitionNode, document: DocumentNode): boolean {
  const fragments = new Map<string, SelectionSetNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition.selectionSet);
  }
  const visited = new Set<string>();
  const beyond = (set: SelectionSetNode, atRoot: boolean): boolean =>
    set.selections.some((selection) => {
      if (selection.kind === Kind.FIELD) {
        if (atRoot) return selection.selectionSet !== undefined && beyond(selection.selectionSet, false);
        return !RECEIPT_FIELDS.has(selection.name.value);
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) return beyond(selection.selectionSet, atRoot);
      // Each fragment once: what it selects is the same wherever it is spread.
      const name = selection.name.value;
      const fragment = fragments.get(name);
      if (!fragment || visited.has(`${name}:${String(atRoot)}`)) return false;
      visited.add(`${name}:${String(atRoot)}`);
      return beyond(fragment, atRoot);
    });
  return beyond(operation.selectionSet, true);
}

function insufficientScope(scope: Scope): GraphQLError {
  return new GraphQLError(`A mutation's result beyond id and version needs the scope ${scope}, which the token does not grant`, {
    extensions: {
      code: ErrorCode.FORBIDDEN,
      scope,
      http: { status: 403, headers: new HeaderMap([['www-authenticate', `Bearer error="insufficient_scope", scope="${scope}"`]]) },
    },
  });
}
