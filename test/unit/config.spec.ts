import { readFileSync } from 'node:fs';
import { ConfigError, loadConfig } from '../../src/config/config';
import { CONFIGURATION_PAGE, configurationPage, ENV_EXAMPLE, envExample } from '../../src/config/configuration-docs';

/** The message loadConfig refuses `env` with; fails the test when it accepts it. */
function refusalOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('configuration from the environment', () => {
  it('has a documented default for everything when nothing is set', () => {
    const config = loadConfig({});
    expect(config.http.port).toBe(4000);
    expect(config.database.url).toBeUndefined();
    expect(config.database.pool).toMatchObject({ min: 5, max: 20, maxLifetimeMs: 1_800_000, prePing: true });
    expect(config.graphql.introspection).toBe(true);
  });

  it('drains for 10 s before a stop in production, not at all in development and tests, unless told', () => {
    expect(loadConfig({ NODE_ENV: 'production', AUTH_MODE: 'none' }).http.shutdownDrainDelayMs).toBe(10_000);
    expect(loadConfig({}).http.shutdownDrainDelayMs).toBe(0);
    expect(loadConfig({ NODE_ENV: 'development' }).http.shutdownDrainDelayMs).toBe(0);
    expect(loadConfig({ NODE_ENV: 'test' }).http.shutdownDrainDelayMs).toBe(0);
    expect(loadConfig({ NODE_ENV: 'production', AUTH_MODE: 'none', SHUTDOWN_DRAIN_DELAY_MS: '0' }).http.shutdownDrainDelayMs).toBe(0);
    expect(loadConfig({ NODE_ENV: 'development', SHUTDOWN_DRAIN_DELAY_MS: '1500' }).http.shutdownDrainDelayMs).toBe(1_500);
    expect(() => loadConfig({ SHUTDOWN_DRAIN_DELAY_MS: '-1' })).toThrow(/SHUTDOWN_DRAIN_DELAY_MS must be at least 0/);
    expect(() => loadConfig({ SHUTDOWN_DRAIN_DELAY_MS: '5s' })).toThrow(/SHUTDOWN_DRAIN_DELAY_MS must be a whole number/);
  });

  it('trusts no proxy by default; all of them, or those named, when told', () => {
    expect(loadConfig({}).http.trustProxy).toBe(false);
    expect(loadConfig({ HTTP_TRUST_PROXY: 'true' }).http.trustProxy).toBe(true);
    expect(loadConfig({ HTTP_TRUST_PROXY: '10.0.0.0/8, loopback,::1' }).http.trustProxy).toEqual(['10.0.0.0/8', 'loopback', '::1']);
  });

  it('gives clients no budget by default; with one, a refill in 60 s unless told, kept in memory unless Redis is named', () => {
    expect(loadConfig({}).budget).toBeUndefined();
    expect(loadConfig({ CLIENT_COST_BUDGET: '60000' }).budget).toEqual({ size: 60_000, restorePerSecond: 1_000, expectedInstances: 1 });
    expect(
      loadConfig({
        CLIENT_COST_BUDGET: '15000',
        CLIENT_COST_RESTORE_PER_SECOND: '500',
        EXPECTED_INSTANCES: '3',
        REDIS_URL: 'redis://cache:6379/2',
      }).budget,
    ).toEqual({
      size: 15_000,
      restorePerSecond: 500,
      expectedInstances: 3,
      redis: { url: 'redis://cache:6379/2', keyPrefix: 'interview-sessions-api:', timeoutMs: 50 },
    });
  });

  it('never repeats the password of a bad REDIS_URL', () => {
    expect(refusalOf({ REDIS_URL: 'http://:hunter2@cache:6379' })).not.toMatch(/hunter2/);
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).http.port).toBe(4000);
  });

  it.each([
    [{ PORT: 'abc' }, /^Invalid configuration: PORT must be a whole number \(got "abc"\)$/],
    [{ DB_POOL_MAX: '2.5' }, /DB_POOL_MAX must be a whole number/],
    [{ DB_POOL_MIN: '30', DB_POOL_MAX: '5' }, /DB_POOL_MIN must not be greater than DB_POOL_MAX/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL .*"loud"/],
    [{ GRAPHQL_INTROSPECTION: 'maybe' }, /GRAPHQL_INTROSPECTION must be true or false/],
    [{ DATABASE_URL: 'mysql://root@localhost/db' }, /DATABASE_URL must be a URL like postgresql:/],
    [{ DATABASE_URL: 'not a url' }, /DATABASE_URL must be a URL like postgresql:/],
    [{ TRUSTED_DOCUMENTS: 'strict' }, /TRUSTED_DOCUMENTS must be off, log or enforce/],
    [{ TRUSTED_DOCUMENTS: 'enforce' }, /TRUSTED_DOCUMENTS is enforce: set TRUSTED_DOCUMENTS_MANIFEST/],
    [
      { TRUSTED_DOCUMENTS_MANIFEST: 'manifest.json' },
      /TRUSTED_DOCUMENTS must be set with TRUSTED_DOCUMENTS_MANIFEST: log .*, then enforce/,
    ],
    [{ HTTP_TRUST_PROXY: 'yes' }, /HTTP_TRUST_PROXY must be false, true, or the proxies' addresses and ranges .*; not yes/],
    [{ HTTP_TRUST_PROXY: '10.0.0.0/33' }, /HTTP_TRUST_PROXY must be .*; not 10\.0\.0\.0\/33/],
    [{ CLIENT_COST_RESTORE_PER_SECOND: '100' }, /CLIENT_COST_RESTORE_PER_SECOND is set, but CLIENT_COST_BUDGET is not/],
    [{ CLIENT_COST_BUDGET: '4999' }, /CLIENT_COST_BUDGET must be at least GRAPHQL_MAX_COST × EXPECTED_INSTANCES \(5000 × 1\)/],
    [
      { CLIENT_COST_BUDGET: '10000', EXPECTED_INSTANCES: '3' },
      /CLIENT_COST_BUDGET must be at least GRAPHQL_MAX_COST × EXPECTED_INSTANCES \(5000 × 3\)/,
    ],
    [
      { CLIENT_COST_BUDGET: '1000000', CLIENT_COST_RESTORE_PER_SECOND: '1' },
      /CLIENT_COST_RESTORE_PER_SECOND must refill CLIENT_COST_BUDGET within a day: at least 12/,
    ],
    [{ REDIS_URL: 'http://cache:6379' }, /REDIS_URL must be a URL like redis:/],
  ])('refuses %o with one clear line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never repeats a password from a bad DATABASE_URL', () => {
    const refusal = refusalOf({ DATABASE_URL: 'postgresql://app:hunter2@db:5432/x', DB_POOL_MIN: '-1' });
    expect(refusal).toMatch(/DB_POOL_MIN/);
    expect(refusal).not.toMatch(/hunter2/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://app:hunter2@db/x' })).toThrow(/app:\*\*\*@db/);
  });
});

describe('the authentication settings', () => {
  const issuerAndAudience = { AUTH_JWT_ISSUER: 'https://issuer.test/', AUTH_JWT_AUDIENCE: 'interview-sessions-api' };
  const secret = 'a-shared-secret-of-32-bytes-long';
  const jwksUrl = 'https://issuer.test/.well-known/jwks.json';

  it('are off in development when nothing is set, and know it was not a choice', () => {
    expect(loadConfig({}).auth).toEqual({ mode: 'none', explicit: false });
    expect(loadConfig({ NODE_ENV: 'production', AUTH_MODE: 'none' }).auth).toEqual({ mode: 'none', explicit: true });
  });

  it('mean jwt when JWT settings are given: HS256 with a secret, RS256 and ES256 with a JWKS, by default', () => {
    const withSecret = loadConfig({ NODE_ENV: 'production', AUTH_JWT_SECRET: secret, ...issuerAndAudience }).auth;
    const withJwks = loadConfig({ AUTH_MODE: 'jwt', AUTH_JWKS_URL: jwksUrl, ...issuerAndAudience, AUTH_JWT_AUDIENCE: 'a, b' }).auth;
    expect(withSecret).toMatchObject({
      mode: 'jwt',
      keys: { kind: 'secret' },
      algorithms: ['HS256'],
      audience: ['interview-sessions-api'],
    });
    expect(withJwks).toMatchObject({
      mode: 'jwt',
      keys: { kind: 'jwks', cooldownMs: 30_000 },
      algorithms: ['RS256', 'ES256'],
      audience: ['a', 'b'],
    });
  });

  it.each([
    [
      'production without an authentication choice',
      { NODE_ENV: 'production' },
      /^Invalid configuration: AUTH_MODE must be set with NODE_ENV=production: AUTH_MODE=jwt with AUTH_JWT_ISSUER, AUTH_JWT_AUDIENCE and AUTH_JWT_SECRET or AUTH_JWKS_URL, or AUTH_MODE=none when a gateway in front authenticates every request$/,
    ],
    ['an AUTH_MODE of neither', { AUTH_MODE: 'maybe' }, /AUTH_MODE must be jwt or none/],
    ['jwt without any key', { AUTH_MODE: 'jwt', ...issuerAndAudience }, /AUTH_MODE is jwt: set AUTH_JWT_SECRET .* or AUTH_JWKS_URL/],
    [
      'JWT settings without issuer and audience',
      { AUTH_JWT_SECRET: secret },
      /AUTH_JWT_ISSUER must be set with AUTH_MODE=jwt.*; AUTH_JWT_AUDIENCE must be set with AUTH_MODE=jwt/,
    ],
    [
      'both a secret and a JWKS',
      { AUTH_JWT_SECRET: secret, AUTH_JWKS_URL: jwksUrl, ...issuerAndAudience },
      /AUTH_JWT_SECRET and AUTH_JWKS_URL are both set/,
    ],
    [
      'none with JWT settings',
      { AUTH_MODE: 'none', AUTH_JWKS_URL: jwksUrl },
      /AUTH_MODE is none, but AUTH_JWKS_URL is set: set AUTH_MODE=jwt, or remove the JWT settings/,
    ],
    [
      'a secret shorter than 32 bytes',
      { AUTH_JWT_SECRET: 'too short', ...issuerAndAudience },
      /^Invalid configuration: AUTH_JWT_SECRET must be at least 32 bytes/,
    ],
    [
      'a JWKS over plain http to another host',
      { AUTH_JWKS_URL: 'http://issuer.test/jwks.json', ...issuerAndAudience },
      /AUTH_JWKS_URL must be https:\/\/ \(plain http only to localhost\)/,
    ],
    [
      'HMAC with a JWKS',
      { AUTH_JWKS_URL: jwksUrl, AUTH_JWT_ALGORITHMS: 'RS256, HS256', ...issuerAndAudience },
      /AUTH_JWT_ALGORITHMS must not list HS256 with AUTH_JWKS_URL/,
    ],
    [
      'RS256 with a shared secret',
      { AUTH_JWT_SECRET: secret, AUTH_JWT_ALGORITHMS: 'RS256', ...issuerAndAudience },
      /AUTH_JWT_ALGORITHMS must list only HS256, HS384 or HS512/,
    ],
    [
      'the algorithm none',
      { AUTH_JWT_SECRET: secret, AUTH_JWT_ALGORITHMS: 'none', ...issuerAndAudience },
      /AUTH_JWT_ALGORITHMS must list algorithms among .* \("none" never\)/,
    ],
    ['a clock tolerance of an hour', { AUTH_JWT_CLOCK_TOLERANCE_SECONDS: '3600' }, /AUTH_JWT_CLOCK_TOLERANCE_SECONDS must be at most 300/],
  ])('refuses %s with one line naming what to set', (_what, env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
    expect(() => loadConfig(env)).not.toThrow(/\n/);
  });

  it('never repeats AUTH_JWT_SECRET in an error', () => {
    const refusal = refusalOf({ AUTH_JWT_SECRET: 'hunter2-but-short', ...issuerAndAudience });
    expect(refusal).toMatch(/AUTH_JWT_SECRET must be at least 32 bytes/);
    expect(refusal).not.toMatch(/hunter2/);
  });
});

describe('the documentation of the configuration', () => {
  it('docs/configuration.md is what the environment schema generates (run `npm run docs` when this fails)', () => {
    expect(readFileSync(CONFIGURATION_PAGE, 'utf8')).toBe(configurationPage());
  });

  it('.env.example is what the environment schema generates (run `npm run docs` when this fails)', () => {
    expect(readFileSync(ENV_EXAMPLE, 'utf8')).toBe(envExample());
  });

  it('.env.example sets every variable that has a default to that default: loading its settings changes nothing', () => {
    const settings = Object.fromEntries([...envExample().matchAll(/^([A-Z][A-Z0-9_]+)=(.*)$/gm)].map(([, name, value]) => [name, value]));
    expect(Object.keys(settings)).toEqual(
      expect.arrayContaining(['NODE_ENV', 'DB_POOL_MAX', 'DB_POOL_PRE_PING', 'EMBEDDED_PG_SYSTEM_DIR']),
    );
    expect(loadConfig(settings)).toEqual(loadConfig({}));
  });
});
