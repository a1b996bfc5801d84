import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import type { QueryLimits } from '../config/config';
import { ErrorCode } from '../error-codes';
import type { OperationCosts } from './operation-costs';
import { DocumentCost } from './query-cost';

/**
 * Validation rules that reject abusive documents before execution, with HTTP 400: depth and
 * aliases (GraphQL Armor), cost (query-cost.ts: what the document makes the database do). Apollo
 * caches validated documents, so they cost nothing on repeated queries; the cost of each accepted
 * operation is kept in `costs` for the requests that run it. Introspection is not exempt: the
 * standard introspection query fits the defaults.
 *
 * Every rule is linear in the size of the document (fragments are walked once, however often they
 * are spread), and the cost, the most expensive, is not computed for a document that a cheaper
 * limit has already refused: the rules run in this order on each operation.
 */
export function queryLimitRules(limits: QueryLimits, costs: OperationCosts): ValidationRule[] {
  const refused = new WeakSet<ValidationContext>();
  const refuse = (context: ValidationContext, message: string, code: string) => {
    refused.add(context);
    context.reportError(new GraphQLError(message, { extensions: { code } }));
  };
  const rejectWith = (code: string) => ({
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => {
        if (context) refuse(context, error.message.replace(/^Syntax Error: /, ''), code);
      },
    ],
  });
  const costRule: ValidationRule = (context) => {
    // One per document, so that a fragment spread by a thousand operations is priced once.
    const documentCost = new DocumentCost(context.getSchema(), (name) => context.getFragment(name), limits.countCost, limits.maxCost);
    return {
      OperationDefinition(operation) {
        if (refused.has(context)) return;
        const cost = documentCost.of(operation);
        if (typeof cost === 'number') {
          costs.record(operation, cost);
          return;
        }
        refuse(
          context,
          `Query cost exceeds the limit of ${limits.maxCost}: at least ${cost.atLeast} (each totalCount costs ${limits.countCost})`,
          ErrorCode.QUERY_TOO_COMPLEX,
        );
      },
    };
  };
  return [
    maxDepthRule({ n: limits.maxDepth, ignoreIntrospection: false, ...rejectWith(ErrorCode.QUERY_TOO_DEEP) }),
    // No allow-list: 2,000 aliases of __typename are 2,000 aliases (GraphQL Armor exempts __typename by default).
    maxAliasesRule({ n: limits.maxAliases, allowList: [], ...rejectWith(ErrorCode.TOO_MANY_ALIASES) }),
    costRule,
  ];
}

/** graphql-js stops parsing past this many tokens, before building a huge AST. */
export function parseOptions(limits: QueryLimits) {
  return { maxTokens: limits.maxTokens };
}

/** graphql-js reports the token limit as a plain syntax error; give it a code of its own. */
export function isTokenLimitError(message: string): boolean {
  return /contains more tha[nt] \d+ tokens/.test(message);
}
