import { getIntrospectionQuery } from 'graphql';
import { errorCodes, graphql, type GraphQLResponse } from './support/graphql-client';
import { health } from './support/health';
import { ifSetUp } from './support/if-set-up';
import { logged, requestLines } from './support/log-lines';
import { authRejections, sample, scrape } from './support/metrics';
import { startTestApp, type TestApp } from './support/test-app';
import {
  AUDIENCE,
  bearer,
  ISSUER,
  newSecret,
  secretKey,
  signToken,
  unsignedToken,
  withTamperedSignature,
  type TokenOptions,
} from './support/tokens';

/**
 * Authentication with JWT bearer tokens verified with a shared secret (HS256), and the scopes
 * of queries and mutations, through the real server on a real database. Tokens are signed in the
 * test with a secret generated for it. (The issuer's JWKS: jwks.spec.ts.)
 */

const LIST = '{ interviewSessions(first: 5) { nodes { id title } } }';
const CREATE = 'mutation { createInterviewSession(input: { title: "Auth", candidateName: "Ada Lovelace" }) { id title } }';
const NO_TOKEN = 'Bearer';
const INVALID_TOKEN = 'Bearer error="invalid_token"';

const secret = newSecret();
const key = secretKey(secret);
const sign = (options?: TokenOptions) => signToken(key, options);
const seconds = (fromNow: number) => Math.floor(Date.now() / 1000) + fromNow;
const jwtEnvironment = { AUTH_MODE: 'jwt', AUTH_JWT_SECRET: secret, AUTH_JWT_ISSUER: ISSUER, AUTH_JWT_AUDIENCE: AUDIENCE };

/** The refusal every request without a valid token gets, whatever it asked: nothing else in it. */
function expectRefused(response: GraphQLResponse, challenge: string): void {
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toBe(challenge);
  expect(response.body).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'UNAUTHENTICATED' } }] });
}

describe('with AUTH_MODE=jwt and a shared secret, in production', () => {
  let app: TestApp;
  const lines: string[] = [];
  beforeAll(async () => {
    app = await startTestApp({ NODE_ENV: 'production', ...jwtEnvironment }, { logLines: lines });
  });
  afterAll(() => ifSetUp(app)?.stop());
  beforeEach(async () => {
    await app.db.query('delete from interview_session');
  });

  const storedSessions = async () => (await app.db.query<{ n: number }>('select count(*)::int as n from interview_session'))[0]!.n;

  describe('when the token is valid and grants both scopes', () => {
    it('reads and writes, and the request log line carries its subject, never the token', async () => {
      const token = await sign({ claims: { sub: 'interviewer-42' } });
      const created = await graphql(app.url, CREATE, undefined, bearer(token));
      const listed = await graphql(app.url, LIST, undefined, { ...bearer(token), 'x-request-id': 'listed-with-token' });

      expect([created.status, created.body.errors]).toEqual([200, undefined]);
      expect(listed.body.data.interviewSessions.nodes).toEqual([created.body.data.createInterviewSession]);
      expect(requestLines(lines).find((line) => line.requestId === 'listed-with-token')).toMatchObject({
        sub: 'interviewer-42',
        outcome: 'ok',
        status: 200,
      });
      expect(lines.join('\n')).not.toContain(token);
      expect(lines.join('\n')).not.toContain(token.split('.')[2]);
    });

    it('accepts it within the clock tolerance (30 s) around exp and nbf', async () => {
      const justExpired = await sign({ claims: { exp: seconds(-10) } });
      const almostValid = await sign({ claims: { nbf: seconds(10) } });
      expect((await graphql(app.url, LIST, undefined, bearer(justExpired))).status).toBe(200);
      expect((await graphql(app.url, LIST, undefined, bearer(almostValid))).status).toBe(200);
    });

    it('serves introspection and { __typename }, which need no scope', async () => {
      const token = await sign({ claims: { scope: undefined } });
      const introspection = await graphql(app.url, getIntrospectionQuery(), undefined, bearer(token));
      const typename = await graphql(app.url, '{ __typename }', undefined, bearer(token));
      expect([introspection.status, introspection.body.errors, introspection.body.data.__schema.queryType.name]).toEqual([
        200,
        undefined,
        'Query',
      ]);
      expect([typename.status, typename.body]).toEqual([200, { data: { __typename: 'Query' }, extensions: { cost: { requested: 1 } } }]);
    });
  });

  describe('when no token is sent', () => {
    it.each([
      ['a mutation', CREATE],
      ['a query', LIST],
      ['introspection', getIntrospectionQuery()],
      ['{ __typename }', '{ __typename }'],
    ])('refuses %s with 401 UNAUTHENTICATED and the bare Bearer challenge (RFC 6750 §3.1), running nothing', async (_what, query) => {
      expectRefused(await graphql(app.url, query), NO_TOKEN);
      expect(await storedSessions()).toBe(0);
    });

    it('refuses credentials of another scheme the same way', async () => {
      const before = await authRejections(app.url, 'unsupported_scheme');
      expectRefused(await graphql(app.url, CREATE, undefined, { authorization: 'Basic dXNlcjpwYXNzd29yZA==' }), NO_TOKEN);
      expect(await authRejections(app.url, 'unsupported_scheme')).toBe(before + 1);
    });

    it('refuses before reading the document: a document that does not parse gets the same 401', async () => {
      expectRefused(await graphql(app.url, '{ interviewSessions( '), NO_TOKEN);
    });
  });

  describe('when the token is not valid', () => {
    // Each case: what the token is, how to make it, the reason counted for it.
    const cases: [string, () => Promise<string> | string, string][] = [
      ['has expired (beyond the clock tolerance)', () => sign({ claims: { iat: seconds(-720), exp: seconds(-120) } }), 'expired'],
      ['is not valid yet (nbf beyond the clock tolerance)', () => sign({ claims: { nbf: seconds(300) } }), 'not_yet_valid'],
      ['comes from another issuer', () => sign({ claims: { iss: 'https://other-issuer.test/' } }), 'wrong_issuer'],
      ['is for another audience', () => sign({ claims: { aud: 'another-api' } }), 'wrong_audience'],
      ['says alg: none and has no signature', () => unsignedToken(), 'algorithm_not_allowed'],
      ['has a tampered signature', async () => withTamperedSignature(await sign()), 'bad_signature'],
      [
        'has tampered claims (more scopes, same signature)',
        async () => tamperedClaims(await sign({ claims: { scope: 'sessions:read' } })),
        'bad_signature',
      ],
      ['is signed with another secret', () => signToken(secretKey(newSecret())), 'bad_signature'],
      ['is signed with an algorithm outside the allow-list (HS512)', () => sign({ alg: 'HS512' }), 'algorithm_not_allowed'],
      ['has no expiry', () => sign({ claims: { exp: undefined } }), 'invalid_claims'],
      ['is not a JWT', () => 'not-a-jwt', 'malformed_token'],
      ['is 9 KB (longer than any real token)', () => 'x'.repeat(9_000), 'token_too_large'],
    ];

    it.each(cases)('refuses one that %s with 401 invalid_token, runs nothing, and counts and logs why', async (_what, make, reason) => {
      const token = await make();
      const before = await authRejections(app.url, reason);
      const response = await graphql(app.url, CREATE, undefined, { ...bearer(token), 'x-request-id': `refused-${reason}` });

      expectRefused(response, INVALID_TOKEN);
      expect(response.body.errors![0]!.message).toBe('The bearer token is invalid');
      expect(await storedSessions()).toBe(0);
      expect(await authRejections(app.url, reason)).toBe(before + 1);
      expect(requestLines(lines).find((line) => line.requestId === `refused-${reason}`)).toMatchObject({
        outcome: 'unauthenticated',
        status: 401,
        authFailure: reason,
      });
      expect(lines.join('\n')).not.toContain(token);
    });

    it.each([
      ['"Bearer" without a token', 'Bearer'],
      ['"Bearer" with two words', 'Bearer abc def'],
    ])('refuses a malformed Authorization header (%s) with 401 invalid_token', async (_what, header) => {
      const before = await authRejections(app.url, 'malformed_header');
      expectRefused(await graphql(app.url, CREATE, undefined, { authorization: header }), INVALID_TOKEN);
      expect(await authRejections(app.url, 'malformed_header')).toBe(before + 1);
    });

    it('answers a token of 100 KB with 431 REQUEST_TOO_LARGE before the server reads the request', async () => {
      const response = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer('x'.repeat(100_000)) },
        body: JSON.stringify({ query: CREATE }),
      });
      expect([response.status, await response.json()]).toEqual([
        431,
        { errors: [expect.objectContaining({ extensions: { code: 'REQUEST_TOO_LARGE' } })] },
      ]);
      expect(await storedSessions()).toBe(0);
      expect((await graphql(app.url, LIST, undefined, bearer(await sign()))).status).toBe(200);
    });

    it('counts refused requests by outcome in graphql_requests_total', async () => {
      const refused = async () =>
        sample(await scrape(app.url), 'graphql_requests_total', '{operation="(unread)",outcome="unauthenticated"}') ?? 0;
      const before = await refused();
      await graphql(app.url, LIST);
      expect(await refused()).toBe(before + 1);
    });
  });

  describe('when the token lacks the scope a field needs', () => {
    it('refuses a mutation to a read-only token with 403 FORBIDDEN naming the scope, and writes nothing', async () => {
      const token = await sign({ claims: { scope: 'sessions:read' } });
      const before = await authRejections(app.url, 'insufficient_scope');
      const response = await graphql(app.url, CREATE, undefined, bearer(token));

      expect(response.status).toBe(403);
      expect(response.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope", scope="sessions:write"');
      expect(response.body).toEqual({
        data: null,
        errors: [
          expect.objectContaining({
            path: ['createInterviewSession'],
            extensions: { code: 'FORBIDDEN', scope: 'sessions:write' },
          }),
        ],
        extensions: { cost: { requested: 4 } },
      });
      expect(await storedSessions()).toBe(0);
      expect(await authRejections(app.url, 'insufficient_scope')).toBe(before + 1);
      expect((await graphql(app.url, LIST, undefined, bearer(token))).status).toBe(200);
    });

    it('refuses a query to a write-only token (scopes in scp, as an array) with 403, and lets it write (asking back the id only)', async () => {
      const token = await sign({ claims: { scope: undefined, scp: ['sessions:write'] } });
      const listed = await graphql(app.url, LIST, undefined, bearer(token));
      const created = await graphql(app.url, CREATE.replace('{ id title }', '{ id }'), undefined, bearer(token));

      expect([listed.status, errorCodes(listed)]).toEqual([403, ['FORBIDDEN']]);
      expect([created.status, created.body.errors]).toEqual([200, undefined]);
    });

    it('answers 200 with a FORBIDDEN error on that field when another field of the operation succeeded', async () => {
      const token = await sign({ claims: { scope: 'sessions:write' } });
      const response = await graphql(
        app.url,
        '{ __typename interviewSession(id: "01890a5d-ac96-774b-bcce-b302099a8057") { id } }',
        undefined,
        bearer(token),
      );
      expect(response.status).toBe(200);
      expect(response.body.data).toEqual({ __typename: 'Query', interviewSession: null });
      expect(response.body.errors).toEqual([
        expect.objectContaining({ path: ['interviewSession'], extensions: { code: 'FORBIDDEN', scope: 'sessions:read' } }),
      ]);
    });
  });

  it('asks no token of /health/live, /health/ready and /metrics', async () => {
    expect((await health(app.url, '/health/live')).status).toBe(200);
    expect((await health(app.url, '/health/ready')).status).toBe(200);
    expect((await fetch(`${app.url}/metrics`)).status).toBe(200);
  });
});

describe('when AUTH_MODE is not set, in development (as `npm start` with no configuration)', () => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  it('warns once at start that authentication is off, and serves requests without a token', async () => {
    const lines: string[] = [];
    app = await startTestApp({}, { logLines: lines });
    const warnings = logged(lines).filter((line) => line.level === 40 && /authentication/.test(line.msg));
    expect(warnings).toEqual([expect.objectContaining({ msg: expect.stringMatching(/^authentication is off \(AUTH_MODE unset\)/) })]);
    expect([(await graphql(app.url, CREATE)).status, (await graphql(app.url, LIST)).status]).toEqual([200, 200]);
  });

  it('with AUTH_MODE=none set (a gateway authenticates), says so without a warning, and ignores a token it is sent', async () => {
    const lines: string[] = [];
    app = await startTestApp({ NODE_ENV: 'production', AUTH_MODE: 'none' }, { logLines: lines });
    expect(logged(lines).filter((line) => /authentication/.test(line.msg))).toEqual([
      expect.objectContaining({ level: 30, msg: expect.stringContaining('AUTH_MODE=none') }),
    ]);
    expect((await graphql(app.url, LIST, undefined, bearer('not-checked-here'))).status).toBe(200);
  });
});

/** The token with its payload replaced by one granting both scopes; header and signature unchanged. */
function tamperedClaims(token: string): string {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  const forged = Buffer.from(JSON.stringify({ ...claims, scope: 'sessions:read sessions:write' })).toString('base64url');
  return `${header}.${forged}.${signature}`;
}
