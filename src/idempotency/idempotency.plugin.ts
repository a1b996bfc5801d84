import { HeaderMap, type ApolloServerPlugin, type GraphQLRequestListener } from '@apollo/server';
import { OperationTypeNode } from 'graphql';
import { keyInUse, keyRequired, keyReused } from './idempotency-errors';
import type { IdempotentRequest } from './idempotent-request';

/**
 * Mutations sent with an Idempotency-Key (idempotent-request.ts), at the points of Apollo's
 * pipeline where they are decided: the claim once the operation is known to be a mutation (a
 * request refused before, by validation, a limit or its credentials, never claims), the stored
 * answer instead of an execution, and the outcome. A query's key is ignored: reading twice is safe.
 */
/** What the plugin needs of a request's context (graphql/context.ts has it). */
interface IdempotencyContext {
  readonly idempotency: IdempotentRequest | undefined;
}

export function idempotencyPlugin({
  keyRequiredForMutations,
}: {
  keyRequiredForMutations: boolean;
}): ApolloServerPlugin<IdempotencyContext> {
  const keyed: GraphQLRequestListener<IdempotencyContext> = {
    async didResolveOperation({ operation, source, request, contextValue }) {
      const { idempotency } = contextValue;
      if (operation?.operation !== OperationTypeNode.MUTATION || !idempotency) return;
      const outcome = await idempotency.claim({ source, operationName: request.operationName, variables: request.variables });
      if (outcome === 'in_use') throw keyInUse();
      if (outcome === 'reused') throw keyReused();
    },
    async responseForOperation({ contextValue }) {
      const replay = contextValue.idempotency?.replayInsteadOfExecuting();
      if (!replay) return null;
      return {
        body: { kind: 'single', singleResult: JSON.parse(replay.body) as never },
        http: { status: replay.status, headers: new HeaderMap() },
      };
    },
    async willSendResponse({ response, contextValue }) {
      const result = response.body.kind === 'single' ? response.body.singleResult : undefined;
      contextValue.idempotency?.answered({
        ran: result !== undefined && 'data' in result,
        codes: (result?.errors ?? []).map((error) => error.extensions?.code),
      });
    },
  };
  const unkeyed: GraphQLRequestListener<IdempotencyContext> = {
    async didResolveOperation({ operation }) {
      if (operation?.operation === OperationTypeNode.MUTATION) throw keyRequired();
    },
  };
  // A request without a key (every query, as a rule) gets no hooks at all, unless mutations must have one.
  return {
    async requestDidStart({ contextValue }) {
      if (contextValue.idempotency) return keyed;
      return keyRequiredForMutations ? unkeyed : undefined;
    },
  };
}
