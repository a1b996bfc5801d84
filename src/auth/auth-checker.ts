import type { AuthCheckerFn } from 'type-graphql';
import { MissingScopeError } from './errors';
import type { Principal } from './principal';
import type { Scope } from './scopes';

/**
 * type-graphql's check of `@Authorized(scope…)`: the request's principal must grant every scope
 * named. It runs only on the fields that carry the decorator (the root fields), not on every
 * field, and after authentication: a request without a valid token never gets this far.
 * A missing scope is a FORBIDDEN error on that field (client-errors.ts), naming the scope.
 */
export const authChecker: AuthCheckerFn<{ principal: Principal }, Scope> = ({ context }, scopes) => {
  for (const scope of scopes) if (!context.principal.grants(scope)) throw new MissingScopeError(scope);
  return true;
};
