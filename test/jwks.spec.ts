import { exportSPKI } from 'jose';
import { graphql, type GraphQLResponse } from './support/graphql-client';
import { newIssuerKey, startJwksServer, type IssuerKey, type JwksServer } from './support/jwks-server';
import { authRejections, sample, scrape } from './support/metrics';
import { startTestApp, type TestApp } from './support/test-app';
import { AUDIENCE, bearer, ISSUER, signToken } from './support/tokens';

/**
 * Tokens verified with the issuer's public keys, fetched from its JWKS URL: a key server of the
 * test's own (node:http on 127.0.0.1), with keys generated here. The server runs as in
 * production, with the keys picked by kid, a rotation, and a key server that fails.
 */

const LIST = '{ interviewSessions(first: 1) { nodes { id } } }';
const signedBy = (key: IssuerKey, kid = key.kid) => signToken(key.privateKey, { alg: key.alg, kid });
const list = (token: string): Promise<GraphQLResponse> => graphql(app!.url, LIST, undefined, bearer(token));

let app: TestApp | undefined;
let keyServer: JwksServer | undefined;

/** The server in production, verifying tokens with the keys of `keyServer`. */
function startWithJwks(cooldownMs: number, lines?: string[]): Promise<TestApp> {
  return startTestApp(
    {
      NODE_ENV: 'production',
      AUTH_JWKS_URL: keyServer!.url,
      AUTH_JWT_ISSUER: ISSUER,
      AUTH_JWT_AUDIENCE: AUDIENCE,
      AUTH_JWKS_COOLDOWN_MS: String(cooldownMs),
    },
    { logLines: lines },
  );
}

afterEach(async () => {
  await app?.stop();
  await keyServer?.stop();
  app = undefined;
  keyServer = undefined;
});

describe('with AUTH_JWKS_URL', () => {
  let rsa: IssuerKey;
  let ec: IssuerKey;
  beforeAll(async () => {
    [rsa, ec] = await Promise.all([newIssuerKey('rsa-1', 'RS256'), newIssuerKey('ec-1', 'ES256')]);
  });

  it('accepts tokens signed by any key of the JWKS, picked by kid, with the keys fetched once at start', async () => {
    keyServer = await startJwksServer([rsa, ec]);
    app = await startWithJwks(0);
    expect(keyServer.fetches).toBe(1);

    expect((await list(await signedBy(rsa))).status).toBe(200);
    expect((await list(await signedBy(ec))).status).toBe(200);
    expect(keyServer.fetches).toBe(1);
  });

  it('refuses a token signed with HS256 using the public RSA key as the secret (key confusion)', async () => {
    keyServer = await startJwksServer([rsa]);
    app = await startWithJwks(0);
    const publicKeyAsSecret = new TextEncoder().encode(await exportSPKI(rsa.publicKey));
    const forged = await signToken(publicKeyAsSecret, { alg: 'HS256', kid: rsa.kid });

    const response = await list(forged);
    expect([response.status, response.headers.get('www-authenticate')]).toEqual([401, 'Bearer error="invalid_token"']);
    expect(await authRejections(app.url, 'algorithm_not_allowed')).toBe(1);
  });

  it('refuses a token whose kid names a key of the JWKS but which another key signed', async () => {
    keyServer = await startJwksServer([rsa]);
    app = await startWithJwks(0);
    const impostor = await newIssuerKey('impostor');
    expect((await list(await signedBy(impostor, rsa.kid))).status).toBe(401);
    expect(await authRejections(app.url, 'bad_signature')).toBe(1);
  });

  describe('when the issuer rotates its keys', () => {
    it('accepts a token of the new key once it is published, and refuses tokens of the removed key, even one it had accepted', async () => {
      const [before, after] = await Promise.all([newIssuerKey('2030-01'), newIssuerKey('2030-02')]);
      keyServer = await startJwksServer([before]);
      app = await startWithJwks(0);
      const oldToken = await signedBy(before);
      expect((await list(oldToken)).status).toBe(200);

      keyServer.publish([after]);
      expect((await list(await signedBy(after))).status).toBe(200);
      expect(keyServer.fetches).toBe(2);

      expect((await list(oldToken)).status).toBe(401);
      expect((await list(await signedBy(before))).status).toBe(401);
      expect(await authRejections(app.url, 'unknown_key')).toBe(2);
    });
  });

  describe('when tokens name keys the JWKS does not have', () => {
    it('fetches the JWKS at most once per cool-down, however many such tokens arrive', async () => {
      keyServer = await startJwksServer([rsa]);
      app = await startWithJwks(60_000);
      const stranger = await newIssuerKey('stranger');
      const tokens = await Promise.all(Array.from({ length: 40 }, (_, n) => signedBy(stranger, `made-up-${n}`)));

      const responses = await Promise.all(tokens.map(list));

      expect(responses.map((response) => response.status)).toEqual(tokens.map(() => 401));
      expect(keyServer.fetches).toBe(1);
      expect(await authRejections(app.url, 'unknown_key')).toBe(40);
      expect((await list(await signedBy(rsa))).status).toBe(200);
    });
  });

  describe('when the key server fails', () => {
    it('answers 503 AUTHENTICATION_UNAVAILABLE while no key could be fetched, and serves once it can', async () => {
      keyServer = await startJwksServer([rsa]);
      keyServer.fail(503);
      const lines: string[] = [];
      app = await startWithJwks(0, lines);
      expect(lines.map((line) => JSON.parse(line) as { msg: string; level: number })).toContainEqual(
        expect.objectContaining({ level: 40, msg: 'fetching the JWKS failed: tokens cannot be verified until it succeeds' }),
      );
      const token = await signedBy(rsa);

      const unavailable = await list(token);
      expect([unavailable.status, unavailable.headers.get('retry-after'), unavailable.body]).toEqual([
        503,
        '5',
        { errors: [{ message: expect.any(String), extensions: { code: 'AUTHENTICATION_UNAVAILABLE' } }] },
      ]);
      const metrics = await scrape(app.url);
      expect(sample(metrics, 'graphql_auth_rejections_total', '{reason="keys_unavailable"}')).toBe(1);
      expect(sample(metrics, 'graphql_requests_total', '{operation="(unread)",outcome="authentication_unavailable"}')).toBe(1);
      expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toContainEqual(
        expect.objectContaining({
          msg: 'graphql request',
          outcome: 'authentication_unavailable',
          status: 503,
          authFailure: 'keys_unavailable',
        }),
      );

      keyServer.publish([rsa]);
      expect((await list(token)).status).toBe(200);
    });

    it('keeps the keys it has when a later fetch fails', async () => {
      keyServer = await startJwksServer([rsa]);
      app = await startWithJwks(0);
      keyServer.fail(500);
      const stranger = await newIssuerKey('stranger');

      expect((await list(await signedBy(stranger))).status).toBe(401);
      expect(keyServer.fetches).toBe(2);
      expect((await list(await signedBy(rsa))).status).toBe(200);
    });
  });
});
