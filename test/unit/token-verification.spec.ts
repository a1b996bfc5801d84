import type { JWTVerifyGetKey } from 'jose';
import { bearerToken } from '../../src/auth/bearer-token';
import { AuthenticationFailure } from '../../src/auth/errors';
import { JwksKeySource } from '../../src/auth/jwks-key-source';
import { JwtVerifier } from '../../src/auth/jwt-verifier';
import { scopesOf } from '../../src/auth/scopes';
import { TokenCache } from '../../src/auth/token-cache';
import { createLogger } from '../../src/observability/logger';
import { newIssuerKey, startJwksServer, type IssuerKey, type JwksServer } from '../support/jwks-server';
import { AUDIENCE, ISSUER, newSecret, secretKey, signToken } from '../support/tokens';

/**
 * The parts of authentication whose behaviour depends on time, driven by a fake clock: the cache
 * of verified tokens, and the JWKS's cool-down and maximum age. (Through the server: the
 * authentication and jwks specs.)
 */

/** A clock the test moves; starts now, since tokens are signed with the real time. */
function fakeClock() {
  let now = Date.now();
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

const failureOf = async (verification: unknown): Promise<string | undefined> => {
  try {
    await verification;
    return undefined;
  } catch (error) {
    if (error instanceof AuthenticationFailure) return error.reason;
    throw error;
  }
};

describe('the cache of verified tokens', () => {
  const secret = secretKey(newSecret());
  let lookups = 0;
  /** The secret, counting how often jose asks for it: once per verification. */
  const countingKey = { getKey: (async () => ((lookups += 1), secret)) as JWTVerifyGetKey, version: 0, stale: false };
  const verifierWith = (clock: ReturnType<typeof fakeClock>, cacheSize = 100) =>
    new JwtVerifier({
      keys: countingKey,
      issuer: ISSUER,
      audience: [AUDIENCE],
      algorithms: ['HS256'],
      clockToleranceSeconds: 0,
      cacheSize,
      now: clock.now,
    });
  beforeEach(() => {
    lookups = 0;
    countingKey.version = 0;
  });

  it('verifies a token once, then answers from memory, synchronously, until it expires', async () => {
    const clock = fakeClock();
    const verifier = verifierWith(clock);
    const token = await signToken(secret, { claims: { exp: Math.floor(clock.now() / 1000) + 60 } });

    expect((await verifier.verify(token)).subject).toBe('user-1');
    const again = verifier.verify(token);
    expect(again).not.toBeInstanceOf(Promise);
    expect(lookups).toBe(1);

    clock.advance(61_000);
    expect(await failureOf(verifier.verify(token))).toBe('expired');
    expect(lookups).toBe(2);
  });

  it('holds at most AUTH_TOKEN_CACHE_SIZE tokens: the oldest is verified again', async () => {
    const verifier = verifierWith(fakeClock(), 2);
    const tokens = await Promise.all(['a', 'b', 'c'].map((sub) => signToken(secret, { claims: { sub } })));
    for (const token of tokens) await verifier.verify(token);
    expect(lookups).toBe(3);

    await verifier.verify(tokens[2]!);
    await verifier.verify(tokens[1]!);
    expect(lookups).toBe(3);
    await verifier.verify(tokens[0]!);
    expect(lookups).toBe(4);
  });

  it('verifies a cached token again once the keys have changed', async () => {
    const verifier = verifierWith(fakeClock());
    const token = await signToken(secret);
    await verifier.verify(token);
    countingKey.version = 1;
    await verifier.verify(token);
    expect(lookups).toBe(2);
  });

  it('remembers nothing with AUTH_TOKEN_CACHE_SIZE=0', async () => {
    const verifier = verifierWith(fakeClock(), 0);
    const token = await signToken(secret);
    await verifier.verify(token);
    await verifier.verify(token);
    expect(lookups).toBe(2);
  });

  it('keeps nothing past its expiry, and nothing already expired', () => {
    const clock = fakeClock();
    const cache = new TokenCache<string>(10, clock.now);
    cache.set('expired', 'x', clock.now());
    cache.set('valid', 'y', clock.now() + 1_000);
    expect([cache.get('expired'), cache.get('valid'), cache.size]).toEqual([undefined, 'y', 1]);
    clock.advance(1_000);
    expect([cache.get('valid'), cache.size]).toEqual([undefined, 0]);
  });
});

describe('the JWKS key source', () => {
  let keyServer: JwksServer | undefined;
  let key: IssuerKey;
  let stranger: IssuerKey;
  const logger = createLogger('silent');
  beforeAll(async () => {
    [key, stranger] = await Promise.all([newIssuerKey('k1'), newIssuerKey('stranger')]);
  });
  afterEach(async () => {
    await keyServer?.stop();
    keyServer = undefined;
  });

  const sourceWith = (server: JwksServer, clock: ReturnType<typeof fakeClock>, cooldownMs = 30_000, maxAgeMs = 600_000) =>
    new JwksKeySource({ url: new URL(server.url), cooldownMs, maxAgeMs, logger, now: clock.now });
  const verifierOf = (source: JwksKeySource, clock: ReturnType<typeof fakeClock>, cacheSize = 0) =>
    new JwtVerifier({
      keys: source,
      issuer: ISSUER,
      audience: [AUDIENCE],
      algorithms: ['RS256'],
      clockToleranceSeconds: 0,
      cacheSize,
      now: clock.now,
    });

  it('fetches again for an unknown kid only once the cool-down has passed, and then sees a new key', async () => {
    keyServer = await startJwksServer([key]);
    const clock = fakeClock();
    const source = sourceWith(keyServer, clock);
    const verifier = verifierOf(source, clock);
    await source.load();
    const newcomer = await signToken(stranger.privateKey, { alg: 'RS256', kid: stranger.kid });
    keyServer.publish([key, stranger]);

    expect(await failureOf(verifier.verify(newcomer))).toBe('unknown_key');
    clock.advance(29_999);
    expect(await failureOf(verifier.verify(newcomer))).toBe('unknown_key');
    expect(keyServer.fetches).toBe(1);

    clock.advance(1);
    expect(await failureOf(verifier.verify(newcomer))).toBeUndefined();
    expect(keyServer.fetches).toBe(2);
  });

  it('shares one fetch among the tokens that need it at the same time', async () => {
    keyServer = await startJwksServer([key]);
    const clock = fakeClock();
    const verifier = verifierOf(sourceWith(keyServer, clock), clock);
    const token = await signToken(key.privateKey, { alg: 'RS256', kid: key.kid });

    const results = await Promise.all(Array.from({ length: 20 }, () => failureOf(verifier.verify(token))));
    expect(results).toEqual(Array.from({ length: 20 }, () => undefined));
    expect(keyServer.fetches).toBe(1);
  });

  it('fetches the keys again once they are older than the maximum age, and sees a removed key gone, even for a cached token', async () => {
    keyServer = await startJwksServer([key, stranger]);
    const clock = fakeClock();
    const source = sourceWith(keyServer, clock, 30_000, 600_000);
    const verifier = verifierOf(source, clock, 100);
    await source.load();
    const token = await signToken(stranger.privateKey, {
      alg: 'RS256',
      kid: stranger.kid,
      claims: { exp: Math.floor(clock.now() / 1000) + 3600 },
    });
    keyServer.publish([key]);

    clock.advance(599_999);
    expect(await failureOf(verifier.verify(token))).toBeUndefined();
    clock.advance(1);
    expect(await failureOf(verifier.verify(token))).toBe('unknown_key');
    expect([keyServer.fetches, source.version]).toEqual([2, 2]);
  });

  it('says keys_unavailable while it has no keys, and tries again only once per cool-down', async () => {
    keyServer = await startJwksServer([key]);
    keyServer.fail(503);
    const clock = fakeClock();
    const source = sourceWith(keyServer, clock, 10_000);
    const verifier = verifierOf(source, clock);
    const token = await signToken(key.privateKey, { alg: 'RS256', kid: key.kid });
    expect(await source.load()).toBe(false);

    keyServer.publish([key]);
    expect(await failureOf(verifier.verify(token))).toBe('keys_unavailable');
    expect(keyServer.fetches).toBe(1);
    clock.advance(10_000);
    expect(await failureOf(verifier.verify(token))).toBeUndefined();
    expect(keyServer.fetches).toBe(2);
  });
});

describe('the Authorization header', () => {
  it.each([
    ['Bearer abc.def.ghi', 'abc.def.ghi'],
    ['bearer abc.def.ghi', 'abc.def.ghi'],
    ['Bearer   abc.def.ghi  ', 'abc.def.ghi'],
  ])('reads the token of %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });

  it.each([
    ['no header', undefined, 'missing_token'],
    ['an empty header', '', 'missing_token'],
    ['Basic credentials', 'Basic dXNlcjpwYXNz', 'unsupported_scheme'],
    ['"Bearer" alone', 'Bearer', 'malformed_header'],
    ['"Bearer " and nothing', 'Bearer ', 'malformed_header'],
    ['two words after Bearer', 'Bearer a b', 'malformed_header'],
    ['a token over 8 KiB (8,192 characters)', `Bearer ${'x'.repeat(8_193)}`, 'token_too_large'],
  ])('refuses %s: %s', (_what, header, reason) => {
    expect(() => bearerToken(header)).toThrow(expect.objectContaining({ reason }));
  });
});

describe('the scopes of a token', () => {
  it.each([
    [{ scope: 'sessions:read sessions:write' }, ['sessions:read', 'sessions:write']],
    [{ scp: ['sessions:read'] }, ['sessions:read']],
    [{ scp: 'sessions:write' }, ['sessions:write']],
    [{ scope: 'sessions:read', scp: ['sessions:write'] }, ['sessions:read', 'sessions:write']],
    [{ scope: 42, scp: [7, 'sessions:read'] }, ['sessions:read']],
    [{}, []],
  ])('are read from %j', (claims, scopes) => {
    expect([...scopesOf(claims)]).toEqual(scopes);
  });
});
