import { NoSchemaIntrospectionCustomRule, specifiedRules, type ValidationRule } from 'graphql';
import type { Config } from '../config/config';
import { KnownOperationTypesRule } from './known-operation-types';
import type { OperationCosts } from './operation-costs';
import { queryLimitRules } from './query-limits';

/**
 * The rules this API adds to graphql-js's own: what Apollo validates each new document with
 * (Apollo adds its own rule against introspection when GRAPHQL_INTROSPECTION is false).
 */
export function apiValidationRules(limits: Config['graphql']['limits'], costs: OperationCosts): ValidationRule[] {
  return [KnownOperationTypesRule, ...queryLimitRules(limits, costs)];
}

/**
 * Every rule a request's document must pass, as Apollo applies them: for documents checked
 * outside a request (the trusted documents, at start), so that they pass exactly when a request
 * that sent them would.
 */
export function allValidationRules({ limits, introspection }: Config['graphql'], costs: OperationCosts): ValidationRule[] {
  return [...specifiedRules, ...(introspection ? [] : [NoSchemaIntrospectionCustomRule]), ...apiValidationRules(limits, costs)];
}
