import { errorCodes, graphql } from './support/graphql-client';
import { ifSetUp } from './support/if-set-up';
import { logged } from './support/log-lines';
import { sample, scrape } from './support/metrics';
import { openSocket, parseResponse, readUntilClosed, sendRaw } from './support/raw-http';
import { startTestApp, type TestApp } from './support/test-app';
import { AUDIENCE, bearer, ISSUER, newSecret, secretKey, signToken } from './support/tokens';

/**
 * What an attacker's requests get: every answer a JSON body with a code, nothing that holds the
 * server, grows its logs without bound or stores something other than what was sent
 * (docs/security.md, "Hostile input").
 */

const refusals = async (app: TestApp, reason: string) =>
  sample(await scrape(app.url), 'http_requests_refused_total', `{reason="${reason}"}`) ?? 0;

/** Each fragment spreads the next one twice: 2^levels paths through a few hundred bytes. */
function fanOut(levels: number): string {
  const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`);
  return `query { ...F0 } ${fragments.join(' ')} fragment F${levels} on Query { __typename }`;
}

describe('with the default limits', () => {
  let app: TestApp;
  const lines: string[] = [];
  beforeAll(async () => {
    app = await startTestApp({ HTTP_REQUEST_TIMEOUT_MS: '500' }, { logLines: lines });
  });
  afterAll(() => ifSetUp(app)?.stop());

  describe('a document whose fragments spread the next one twice, 30 levels deep', () => {
    it('is refused as too deep (each spread is a level) while /health/live keeps answering', async () => {
      const [refused, live] = await Promise.all([graphql(app.url, fanOut(30)), fetch(`${app.url}/health/live`)]);
      expect(refused.status).toBe(400);
      expect(errorCodes(refused)).toEqual(['QUERY_TOO_DEEP']);
      expect(live.status).toBe(200);
    });
  });

  describe('a document nested 3,000 levels deep, past what the parser can follow', () => {
    it('gets the depth limit’s code, not a stack overflow', async () => {
      const response = await graphql(app.url, `{ ${'a { '.repeat(3_000)}b${' }'.repeat(3_000)} }`);
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([
        { message: 'The document is nested too deeply to be read', extensions: { code: 'QUERY_TOO_DEEP' } },
      ]);
    });
  });

  describe('the Host header', () => {
    const body = JSON.stringify({ query: '{ __typename }' });
    const post = (hostLines: string, version = '1.1') =>
      sendRaw(app.url, `POST /graphql HTTP/${version}${hostLines}\r\nContent-Type: application/json`, body);

    it.each([
      ['missing (HTTP/1.1)', '', 'missing'],
      ['empty', '\r\nHost: ', 'malformed'],
      ['a lone bracket', '\r\nHost: [', 'malformed'],
      ['with a space', '\r\nHost: a b', 'malformed'],
      ['a lone percent sign', '\r\nHost: %', 'malformed'],
      ['repeated', '\r\nHost: a\r\nHost: b', 'repeated'],
    ])('%s: 400 BAD_REQUEST as JSON, logged at warn without a stack', async (_case, hostLines, problem) => {
      const before = await refusals(app, 'malformed_host');
      const response = await post(hostLines);
      expect(response.status).toBe(400);
      expect(JSON.parse(response.body)).toEqual({
        errors: [{ message: `The Host header is ${problem}`, extensions: { code: 'BAD_REQUEST' } }],
      });
      expect(await refusals(app, 'malformed_host')).toBe(before + 1);
      const line = logged(lines).findLast((entry) => entry.problem === problem);
      expect(line).toMatchObject({ level: 40, msg: expect.stringContaining('Host') });
      expect(line).not.toHaveProperty('err');
    });

    it('may be left out by an HTTP/1.0 client, which is served', async () => {
      const response = await post('', '1.0');
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toEqual({ data: { __typename: 'Query' }, extensions: { cost: { requested: 1 } } });
    });

    it('is served with a port, an IPv4 or an IPv6 address', async () => {
      for (const host of ['api.example.com:443', '10.0.0.1', '[::1]:4000']) expect((await post(`\r\nHost: ${host}`)).status).toBe(200);
    });
  });

  describe('a client that sends its headers, then drips its body a byte at a time', () => {
    it('is cut at HTTP_REQUEST_TIMEOUT_MS with 408 REQUEST_TIMEOUT as JSON, and counted', async () => {
      const before = await refusals(app, 'request_timeout');
      const socket = await openSocket(app.url);
      const received = readUntilClosed(socket);
      const body = JSON.stringify({ query: '{ __typename }' });
      socket.write(`POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
      let sent = 0;
      const drip = setInterval(() => {
        if (sent < body.length && !socket.destroyed) socket.write(body[sent++]!);
      }, 100);
      try {
        const response = parseResponse(await received);
        expect(response.status).toBe(408);
        expect(JSON.parse(response.body)).toEqual({ errors: [{ message: 'Request Timeout', extensions: { code: 'REQUEST_TIMEOUT' } }] });
        expect(sent).toBeLessThan(body.length);
      } finally {
        clearInterval(drip);
        socket.destroy();
      }
      expect(await refusals(app, 'request_timeout')).toBe(before + 1);
    });
  });

  describe('Expect headers', () => {
    it('answers an expectation it cannot meet with 417 and a JSON body', async () => {
      const response = await sendRaw(
        app.url,
        'POST /graphql HTTP/1.1\r\nHost: x\r\nExpect: 200-ok\r\nContent-Type: application/json',
        '{}',
      );
      expect(response.status).toBe(417);
      expect(JSON.parse(response.body)).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
    });
  });

  describe('bodies that are not JSON in UTF-8', () => {
    it('refuses text/plain with 415 UNSUPPORTED_MEDIA_TYPE, before anything reads it', async () => {
      const response = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(response.status).toBe(415);
      expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' } }] });
    });

    it('refuses bytes that are not UTF-8 with 400 BAD_REQUEST, storing nothing', async () => {
      const query = 'mutation { createInterviewSession(input: { title: "X", candidateName: "Y" }) { id } }';
      const [before, after] = JSON.stringify({ query }).split('"X"');
      const body = Buffer.concat([Buffer.from(`${before}"`), Buffer.from([0xff, 0xfe]), Buffer.from(`"${after}`)]);
      const response = await fetch(`${app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        errors: [{ message: 'The request body is not valid UTF-8', extensions: { code: 'BAD_REQUEST' } }],
      });
      expect(await app.db.query('select id from interview_session')).toEqual([]);
    });

    it('refuses an unpaired surrogate in an input string with BAD_USER_INPUT naming the field, storing nothing', async () => {
      const response = await graphql(
        app.url,
        'mutation ($input: CreateInterviewSessionInput!) { createInterviewSession(input: $input) { id } }',
        { input: { title: 'a\uD800b', candidateName: 'Ada' } },
      );
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.body.errors?.[0]?.extensions).toMatchObject({ argument: 'title' });
      expect(await app.db.query('select id from interview_session')).toEqual([]);
    });
  });

  describe('what the API promises for odd arguments', () => {
    it('counts aliases of __typename like any other aliases: 31 are refused', async () => {
      const aliases = Array.from({ length: 31 }, (_, i) => `t${i}: __typename`).join(' ');
      expect(errorCodes(await graphql(app.url, `{ ${aliases} }`))).toEqual(['TOO_MANY_ALIASES']);
    });

    it('answers first: 2147483647 with BAD_USER_INPUT naming "first", not as too complex', async () => {
      const response = await graphql(app.url, '{ interviewSessions(first: 2147483647) { nodes { id } } }');
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.body.errors?.[0]?.extensions).toMatchObject({ argument: 'first' });
    });

    it('refuses a cursor with junk appended or padding added as one this API did not issue', async () => {
      for (const title of ['one', 'two']) {
        await graphql(app.url, `mutation { createInterviewSession(input: { title: "${title}", candidateName: "C" }) { id } }`);
      }
      const page = await graphql(app.url, '{ interviewSessions(first: 1) { pageInfo { endCursor } } }');
      const cursor: string = page.body.data.interviewSessions.pageInfo.endCursor;
      const after = (value: string) =>
        graphql(app.url, 'query ($after: String) { interviewSessions(first: 1, after: $after) { nodes { id } } }', { after: value });
      expect(errorCodes(await after(cursor))).toEqual([]);
      for (const edited of [`${cursor}AA`, `${cursor}=`, `${cursor}!!`, ` ${cursor}`]) {
        const response = await after(edited);
        expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
        expect(response.body.errors?.[0]?.extensions).toMatchObject({ argument: 'after' });
      }
    });

    it('refuses a list where an input object belongs (graphql-js would take it for an empty filter)', async () => {
      const response = await graphql(
        app.url,
        'query ($filter: InterviewSessionFilter) { interviewSessions(filter: $filter) { nodes { id } } }',
        {
          filter: [],
        },
      );
      expect(response.status).toBe(400);
      expect(errorCodes(response)).toEqual(['BAD_USER_INPUT']);
    });

    it('answers a malformed date: in the document, a validation error; in a variable, BAD_USER_INPUT naming the variable', async () => {
      const inline = await graphql(app.url, '{ interviewSessions(filter: { createdAfter: "yesterday" }) { nodes { id } } }');
      expect(inline.status).toBe(400);
      expect(errorCodes(inline)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      const variable = await graphql(
        app.url,
        'query ($at: DateTimeISO) { interviewSessions(filter: { createdAfter: $at }) { nodes { id } } }',
        {
          at: 'yesterday',
        },
      );
      expect(variable.status).toBe(400);
      expect(errorCodes(variable)).toEqual(['BAD_USER_INPUT']);
      expect(variable.body.errors?.[0]?.message).toContain('$at');
    });
  });

  describe('client strings in the log line', () => {
    it('bounds a 90 KB operation name to 256 characters', async () => {
      const name = `Q${'x'.repeat(90_000)}`;
      expect((await graphql(app.url, `query ${name} { __typename }`)).status).toBe(200);
      const line = logged(lines).findLast((entry) => entry.msg === 'graphql request');
      expect(line?.operation).toBe(`${name.slice(0, 255)}…`);
    });
  });
});

describe('with a depth limit that lets a fan-out of 300 levels through (GRAPHQL_MAX_DEPTH=1000)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ GRAPHQL_MAX_DEPTH: '1000' });
  });
  afterAll(() => ifSetUp(app)?.stop());

  it('prices it once per fragment and refuses it as too complex, while /health/live keeps answering', async () => {
    // 2^300 paths: walked path by path, this request would never end.
    const [refused, live] = await Promise.all([graphql(app.url, fanOut(300)), fetch(`${app.url}/health/live`)]);
    expect(refused.status).toBe(400);
    expect(errorCodes(refused)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(live.status).toBe(200);
  });
});

describe('with HTTP_MAX_CONNECTIONS=2', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ HTTP_MAX_CONNECTIONS: '2' });
  });
  afterAll(() => ifSetUp(app)?.stop());

  it('closes a third connection at once and counts it; a connection is served again once one is free', async () => {
    const held = [await openSocket(app.url), await openSocket(app.url)];
    try {
      const third = await openSocket(app.url);
      // Closed by the server without a byte: nothing was read from it.
      expect(await readUntilClosed(third, 5_000)).toBe('');
      expect(sample(await scrapeOver(held[0]!), 'http_requests_refused_total', '{reason="connection_limit"}')).toBe(1);
    } finally {
      for (const socket of held) socket.destroy();
    }
    const response = await waitForService(app.url);
    expect(response.status).toBe(200);
  });
});

/** GET /metrics over a connection already open (the others are refused at the cap). */
async function scrapeOver(socket: import('node:net').Socket): Promise<string> {
  const received = readUntilClosed(socket);
  socket.write('GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  return parseResponse(await received).body;
}

/** The server counts a connection as open until it has seen it close: a few tries until the slot is free. */
async function waitForService(baseUrl: string): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetch(`${baseUrl}/health/live`);
    } catch (error) {
      if (attempt >= 50) throw error;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

describe('with AUTH_MODE=jwt', () => {
  const secret = newSecret();
  let app: TestApp;
  const lines: string[] = [];
  beforeAll(async () => {
    app = await startTestApp(
      { AUTH_MODE: 'jwt', AUTH_JWT_SECRET: secret, AUTH_JWT_ISSUER: ISSUER, AUTH_JWT_AUDIENCE: AUDIENCE },
      { logLines: lines },
    );
  });
  afterAll(() => ifSetUp(app)?.stop());
  const token = (claims: Record<string, unknown>) => signToken(secretKey(secret), { claims });

  describe('a token that may write but not read', () => {
    const create = (fields: string, writeOnly: string) =>
      graphql(
        app.url,
        `mutation { createInterviewSession(input: { title: "W", candidateName: "O" }) { ${fields} } }`,
        undefined,
        bearer(writeOnly),
      );

    it('gets back the id of what it created', async () => {
      const writeOnly = await token({ scope: 'sessions:write' });
      const response = await create('id __typename', writeOnly);
      expect(response.status).toBe(200);
      expect(response.body.data.createInterviewSession.id).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('is refused with 403 FORBIDDEN before anything runs when the mutation selects more: nothing is created', async () => {
      const writeOnly = await token({ scope: 'sessions:write' });
      const before = await app.db.query('select id from interview_session');
      const response = await create('id title candidateName', writeOnly);
      expect(response.status).toBe(403);
      expect(response.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope", scope="sessions:read"');
      expect(response.body).toEqual({
        errors: [{ message: expect.stringContaining('sessions:read'), extensions: { code: 'FORBIDDEN', scope: 'sessions:read' } }],
        extensions: { cost: { requested: 5 } },
      });
      expect(await app.db.query('select id from interview_session')).toEqual(before);
    });
  });

  describe('two Authorization headers', () => {
    it('are refused with 401 invalid_request, whichever of them is valid', async () => {
      const valid = await token({});
      const response = await sendRaw(
        app.url,
        `POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer ${valid}\r\nAuthorization: Bearer x`,
        JSON.stringify({ query: '{ __typename }' }),
      );
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_request"');
      expect(JSON.parse(response.body)).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    });
  });

  describe('the token’s subject in the log line', () => {
    it('is refused when it is not a string (RFC 7519), and bounded to 256 characters when it is one', async () => {
      const objectSubject = await graphql(app.url, '{ __typename }', undefined, bearer(await token({ sub: { id: 1 } })));
      expect(objectSubject.status).toBe(401);
      const longSubject = 's'.repeat(300);
      expect((await graphql(app.url, '{ __typename }', undefined, bearer(await token({ sub: longSubject })))).status).toBe(200);
      const line = logged(lines).findLast((entry) => entry.msg === 'graphql request');
      expect(line?.sub).toBe(`${'s'.repeat(255)}…`);
    });
  });
});
