import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import type { QueryLimits } from '../config/config';
import { queryCostRule } from './query-cost';

/** The codes a rejected document gets; clients can tell which limit they hit. */
export const LimitCode = {
  QUERY_TOO_DEEP: 'QUERY_TOO_DEEP',
  TOO_MANY_ALIASES: 'TOO_MANY_ALIASES',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  QUERY_TOO_LARGE: 'QUERY_TOO_LARGE',
} as const;

/**
 * Validation rules that reject abusive documents before execution, with HTTP 400: depth and
 * aliases (GraphQL Armor), cost (query-cost.ts: what the document makes the database do). Apollo
 * caches validated documents, so they cost nothing on repeated queries. Introspection is not
 * exempt: the standard introspection query fits the defaults.
 */
export function queryLimitRules(limits: QueryLimits): ValidationRule[] {
  const rejectWith = (code: string) => ({
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) =>
        context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { code } })),
    ],
  });
  return [
    maxDepthRule({ n: limits.maxDepth, ignoreIntrospection: false, ...rejectWith(LimitCode.QUERY_TOO_DEEP) }),
    maxAliasesRule({ n: limits.maxAliases, ...rejectWith(LimitCode.TOO_MANY_ALIASES) }),
    queryCostRule(limits, (context, cost) =>
      context.reportError(
        new GraphQLError(`Query cost ${cost} exceeds the limit of ${limits.maxCost} (each totalCount costs ${limits.countCost})`, {
          extensions: { code: LimitCode.QUERY_TOO_COMPLEX },
        }),
      ),
    ),
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
