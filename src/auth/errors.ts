/**
 * Why a request's credentials were refused. Each reason is a label of
 * `graphql_auth_rejections_total` and a field of the request's log line. Clients see none of them
 * (graphql/client-errors.ts): telling a caller which check failed helps forge a token.
 */
export type AuthenticationFailureReason =
  /** No Authorization header. */
  | 'missing_token'
  /** An Authorization header of another scheme (Basic, say). */
  | 'unsupported_scheme'
  /** `Bearer` without a token, or with more than one word. */
  | 'malformed_header'
  /** More than one Authorization header. */
  | 'repeated_header'
  | 'token_too_large'
  /** Not a signed JWT in compact form. */
  | 'malformed_token'
  /** Signed with an algorithm outside AUTH_JWT_ALGORITHMS (`none`, HS256 against a JWKS…). */
  | 'algorithm_not_allowed'
  /** No key of the JWKS matches the token's kid (even after fetching it again, cool-down allowing). */
  | 'unknown_key'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_issuer'
  | 'wrong_audience'
  /** A claim missing or of the wrong type (a token without exp, say). */
  | 'invalid_claims'
  /** The JWKS could not be fetched and no key was known: the server's problem, not the client's. */
  | 'keys_unavailable';

/** The request's credentials were refused: thrown before anything of the request runs. */
export class AuthenticationFailure extends Error {
  override name = 'AuthenticationFailure';

  constructor(
    readonly reason: AuthenticationFailureReason,
    options?: ErrorOptions,
  ) {
    super(`authentication failed: ${reason}`, options);
  }
}

/** An authenticated caller asked for a field its token grants no scope for. */
export class MissingScopeError extends Error {
  override name = 'MissingScopeError';

  constructor(readonly scope: string) {
    super(`the token does not grant the scope ${scope}`);
  }
}
