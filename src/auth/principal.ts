import type { Scope } from './scopes';

/** Who a request acts for, and what it may do. The same object serves every request of a token. */
export interface Principal {
  /** The token's `sub`, for the request's log line; undefined without a token (AUTH_MODE=none). */
  readonly subject: string | undefined;
  /**
   * Who owns what requests leave for later requests of the same caller (Idempotency-Keys): the
   * subject, or, for a token without one, that token; `anonymous` without authentication.
   */
  readonly owner: string;
  grants(scope: Scope): boolean;
}

/** The caller a verified token names, with the scopes it grants. */
export class TokenPrincipal implements Principal {
  constructor(
    readonly subject: string | undefined,
    readonly owner: string,
    private readonly scopes: ReadonlySet<string>,
  ) {}

  grants(scope: Scope): boolean {
    return this.scopes.has(scope);
  }
}

/**
 * AUTH_MODE=none: whoever reaches the server may do everything. Right behind a gateway that
 * authenticates every request; anywhere else, anyone who reaches the port.
 */
export const UNRESTRICTED: Principal = { subject: undefined, owner: 'anonymous', grants: () => true };
