import type { Context } from '../graphql/context';

/**
 * Whose budget a request is charged to: its token's subject; without one (AUTH_MODE=none, or a
 * token without `sub`), its client's address. The prefixes keep a subject that looks like an
 * address from sharing that address's budget.
 */
export function budgetKeyOf({ principal, clientAddress }: Context): string {
  return principal.subject !== undefined ? `sub:${principal.subject}` : `address:${clientAddress}`;
}
