import type { AuthConfig } from '../config/config';
import type { Logger } from '../observability/logger';
import { bearerToken } from './bearer-token';
import { JwksKeySource } from './jwks-key-source';
import { JwtVerifier } from './jwt-verifier';
import { UNRESTRICTED, type Principal } from './principal';

/** Turns a request's Authorization header into its principal, as AUTH_MODE says. */
export interface Authenticator {
  /**
   * The Authorization header (every value, when it came more than once) → the principal. Throws
   * AuthenticationFailure. Synchronous when nothing needs verifying (a cached token, AUTH_MODE=none).
   */
  authenticate(authorization: string | readonly string[] | undefined): Principal | Promise<Principal>;
  /** At start: says in the log how requests are authenticated, and fetches the JWKS once. */
  start(): Promise<void>;
}

/** The configured authenticator, built once: nothing of it is decided per request. */
export function createAuthenticator(config: AuthConfig, logger: Logger): Authenticator {
  if (config.mode === 'none') {
    return {
      authenticate: () => UNRESTRICTED,
      start: async () => {
        if (config.explicit)
          logger.info('authentication: none here (AUTH_MODE=none): the gateway in front must authenticate every request');
        else {
          logger.warn(
            'authentication is off (AUTH_MODE unset): anyone who can reach this port can read and change every session; set AUTH_MODE=jwt (see docs/security.md) before exposing it',
          );
        }
      },
    };
  }
  const { keys: source } = config;
  const keys =
    source.kind === 'secret'
      ? { secret: source.secret }
      : new JwksKeySource({ url: source.url, cooldownMs: source.cooldownMs, maxAgeMs: source.maxAgeMs, logger });
  const verifier = new JwtVerifier({
    keys,
    issuer: config.issuer,
    audience: config.audience,
    algorithms: config.algorithms,
    clockToleranceSeconds: config.clockToleranceSeconds,
    cacheSize: config.tokenCacheSize,
  });
  return {
    authenticate: (authorization) => verifier.verify(bearerToken(authorization)),
    start: async () => {
      logger.info(
        {
          issuer: config.issuer,
          audience: config.audience,
          algorithms: config.algorithms,
          keys: source.kind === 'secret' ? 'AUTH_JWT_SECRET' : source.url.href,
        },
        'authentication: JWT bearer tokens',
      );
      if (keys instanceof JwksKeySource) await keys.load();
    },
  };
}
