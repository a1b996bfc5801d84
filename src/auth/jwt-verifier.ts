import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
import type { JwtAlgorithm } from '../config/environment';
import { AuthenticationFailure, type AuthenticationFailureReason } from './errors';
import { TokenPrincipal, type Principal } from './principal';
import { sha256 } from '../sha256';
import { scopesOf } from './scopes';
import { TokenCache } from './token-cache';

export interface JwtVerifierOptions {
  /** A shared HMAC secret, or the issuer's public keys (JwksKeySource). */
  keys: { secret: Uint8Array } | { getKey: JWTVerifyGetKey; readonly version: number; readonly stale: boolean };
  issuer: string;
  audience: string[];
  /** The allow-list: a token signed with any other algorithm (`none` included) is refused before its key is looked up. */
  algorithms: JwtAlgorithm[];
  clockToleranceSeconds: number;
  /** Verified tokens remembered until they expire (0: none). */
  cacheSize: number;
  /** Milliseconds since the epoch; tests pass a fake clock. */
  now?: () => number;
}

interface Verified {
  principal: Principal;
  /** The version of the keys that verified it. */
  keysVersion: number;
}

/**
 * Verifies JWT bearer tokens with jose: the signature with an allowed algorithm and the right
 * kind of key (an HMAC secret for HS*, public keys for the others: no confusion between them),
 * `iss`, `aud`, `exp` (required) and `nbf` within the clock tolerance. A verified token is
 * remembered until it expires, so a client's next requests cost one Map lookup; it is verified
 * again if the keys changed since, or are due to be fetched again (a key removed from the JWKS
 * no longer vouches for it).
 */
export class JwtVerifier {
  private readonly cache: TokenCache<Verified>;
  private readonly now: () => number;
  private readonly options: JWTVerifyOptions;
  private readonly key: Uint8Array | JWTVerifyGetKey;

  constructor(private readonly settings: JwtVerifierOptions) {
    this.now = settings.now ?? Date.now;
    this.cache = new TokenCache(settings.cacheSize, this.now);
    this.key = 'secret' in settings.keys ? settings.keys.secret : settings.keys.getKey;
    this.options = {
      issuer: settings.issuer,
      audience: settings.audience,
      algorithms: settings.algorithms,
      clockTolerance: settings.clockToleranceSeconds,
      requiredClaims: ['exp'],
    };
  }

  /** The token's principal; throws AuthenticationFailure. Synchronous when the token is cached. */
  verify(token: string): Principal | Promise<Principal> {
    const cached = this.cache.get(token);
    // Keys past their maximum age vouch for no cached token: verifying it again fetches them.
    if (cached?.keysVersion === this.keysVersion() && !this.keysStale()) return cached.principal;
    return this.verifyNow(token);
  }

  private async verifyNow(token: string): Promise<Principal> {
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, this.key, { ...this.options, currentDate: new Date(this.now()) }));
    } catch (error) {
      this.cache.delete(token);
      if (error instanceof AuthenticationFailure) throw error;
      const reason = reasonFor(error);
      if (reason === undefined) throw error;
      throw new AuthenticationFailure(reason, { cause: error });
    }
    // RFC 7519 §4.1.2: a string. jose leaves its type unchecked; an object would reach the logs as one.
    if (claims.sub !== undefined && typeof claims.sub !== 'string') throw new AuthenticationFailure('invalid_claims');
    // A token without a subject owns its keys alone: tokens of different callers may lack one.
    const owner = claims.sub !== undefined ? `sub:${claims.sub}` : `token:${sha256(token)}`;
    const principal = new TokenPrincipal(claims.sub, owner, scopesOf(claims));
    // jose has checked that exp is there, and a number.
    this.cache.set(token, { principal, keysVersion: this.keysVersion() }, (claims.exp ?? 0) * 1000);
    return principal;
  }

  private keysVersion(): number {
    return 'version' in this.settings.keys ? this.settings.keys.version : 0;
  }

  private keysStale(): boolean {
    return 'stale' in this.settings.keys && this.settings.keys.stale;
  }
}

/** What jose's error says of the token, as a rejection reason; undefined when it is not about the token. */
function reasonFor(error: unknown): AuthenticationFailureReason | undefined {
  if (!(error instanceof errors.JOSEError)) return undefined;
  switch (error.code) {
    case 'ERR_JWT_EXPIRED':
      return 'expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      const { claim } = error as errors.JWTClaimValidationFailed;
      if (claim === 'nbf') return 'not_yet_valid';
      if (claim === 'iss') return 'wrong_issuer';
      if (claim === 'aud') return 'wrong_audience';
      return 'invalid_claims';
    }
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return 'algorithm_not_allowed';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'bad_signature';
    // Several keys fit a token without a kid: tokens must name their key when the JWKS has more than one of a kind.
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
    case 'ERR_JWK_INVALID':
      return 'unknown_key';
    default:
      // ERR_JWS_INVALID, ERR_JWT_INVALID: not a signed JWT in compact form, or a payload that is no claims set.
      return 'malformed_token';
  }
}
