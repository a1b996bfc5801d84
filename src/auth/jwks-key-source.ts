import { createLocalJWKSet, errors, type JWTVerifyGetKey } from 'jose';
import type { Logger } from '../observability/logger';
import { AuthenticationFailure } from './errors';

type KeySet = ReturnType<typeof createLocalJWKSet>;

export interface JwksKeySourceOptions {
  url: URL;
  /** Least time between two fetches: a flood of tokens with made-up kids fetches at most once per cool-down. */
  cooldownMs: number;
  /** Keys older than this are fetched again before the next verification uses them. */
  maxAgeMs: number;
  logger: Logger;
  /** Milliseconds since the epoch; tests pass a fake clock. */
  now?: () => number;
}

/** Longest wait for the key server. */
const FETCH_TIMEOUT_MS = 5_000;
/** A key set is a few KB; a larger answer is not one. */
const MAX_JWKS_CHARACTERS = 512 * 1024;

/**
 * The issuer's public keys, from its JWKS URL (RFC 7517), as jose's key resolver (`getKey`):
 *
 * - fetched at start (`load`), so that the first request does not wait for the key server, and
 *   kept; fetched again once older than `maxAgeMs`;
 * - a token whose kid none of the keys has makes it fetch again (the issuer may have rotated its
 *   keys), and so does a key server that failed: but never twice within `cooldownMs`, however
 *   many tokens ask, so that a flood of bad tokens cannot hammer the key server. Requests that
 *   need keys while a fetch runs wait for that one fetch;
 * - a failed fetch keeps the keys it has. With none at all, tokens cannot be verified: that is the
 *   server's problem, not the client's (`keys_unavailable`, HTTP 503).
 *
 * The key is then picked by jose from the token's kid and alg (createLocalJWKSet), which also
 * keeps each imported key.
 */
export class JwksKeySource {
  private keys: KeySet | undefined;
  private keysText: string | undefined;
  private fetchedAt = -Infinity;
  private attemptedAt = -Infinity;
  private fetching: Promise<boolean> | undefined;
  private keysVersion = 0;
  private readonly now: () => number;

  constructor(private readonly options: JwksKeySourceOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Changes whenever the fetched keys change. A token verified with an earlier version is
   * verified again before it is trusted from a cache: its key may have been removed.
   */
  get version(): number {
    return this.keysVersion;
  }

  /** The keys are older than maxAgeMs (or there are none yet): the next verification fetches them again. */
  get stale(): boolean {
    return this.now() - this.fetchedAt >= this.options.maxAgeMs;
  }

  /** Fetches the keys now (at start); false, and a warning in the log, when the key server failed. */
  load(): Promise<boolean> {
    return (this.fetching ??= this.fetchKeys().finally(() => (this.fetching = undefined)));
  }

  readonly getKey: JWTVerifyGetKey = async (header, token) => {
    if (this.keys === undefined || this.stale) await this.refresh();
    const keys = this.keys;
    if (keys === undefined) throw new AuthenticationFailure('keys_unavailable');
    try {
      return await keys(header, token);
    } catch (error) {
      // A kid the keys do not have: the issuer may have rotated them since they were fetched.
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      await this.refresh();
      const fetched = this.keys;
      if (fetched === undefined || fetched === keys) throw error;
      return fetched(header, token);
    }
  };

  /** Fetches the keys unless a fetch started less than cooldownMs ago; joins a fetch under way. */
  private async refresh(): Promise<void> {
    if (this.fetching === undefined && this.now() - this.attemptedAt < this.options.cooldownMs) return;
    await this.load();
  }

  private async fetchKeys(): Promise<boolean> {
    this.attemptedAt = this.now();
    const { url, logger } = this.options;
    try {
      const text = await this.download(url);
      const keys = createLocalJWKSet(JSON.parse(text) as Parameters<typeof createLocalJWKSet>[0]);
      if (text !== this.keysText) {
        this.keysVersion += 1;
        this.keysText = text;
        this.keys = keys;
      }
      this.fetchedAt = this.now();
      return true;
    } catch (error) {
      logger.warn(
        { jwksUrl: url.href, reason: error instanceof Error ? error.message : String(error), keptKeys: this.keys !== undefined },
        this.keys
          ? 'fetching the JWKS failed: the keys fetched before stay in use'
          : 'fetching the JWKS failed: tokens cannot be verified until it succeeds',
      );
      return false;
    }
  }

  private async download(url: URL): Promise<string> {
    const response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`the key server answered HTTP ${response.status}`);
    const text = await response.text();
    if (text.length > MAX_JWKS_CHARACTERS) throw new Error(`the key server answered ${text.length} characters, not a key set`);
    return text;
  }
}
