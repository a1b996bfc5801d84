import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { generatePersistedQueryIdsFromManifest } from '@apollo/persisted-query-lists';
import { getIntrospectionQuery } from 'graphql';
import { apolloClient, sha256 } from './support/apollo-client';
import { errorCodes, graphql, postJson, type GraphQLResponse } from './support/graphql-client';
import { ifSetUp } from './support/if-set-up';
import { requestLines, logged } from './support/log-lines';
import { generateManifest, type GeneratedManifest } from './support/manifests';
import { sample, scrape } from './support/metrics';
import { exitWithin, killAllServers, spawnServer } from './support/server-process';
import { makeTempFolder, removeTempFolder } from './support/temp-folders';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Trusted documents: a deployment runs only the operations its clients shipped, listed in a
 * manifest made by Apollo's generator. Clients send them by id, as Apollo Client's
 * persisted-query link (with @apollo/persisted-query-lists) and GraphQL Codegen's `documentId`
 * do. `log` shows what `enforce` would refuse; `enforce` refuses it, before parsing it.
 */

const DOCUMENTS = {
  Session: 'query Session($id: ID!) { interviewSession(id: $id) { id title } }',
  Create: 'mutation Create($input: CreateInterviewSessionInput!) { createInterviewSession(input: $input) { id title } }',
};
const INPUT = { title: 'Trusted', candidateName: 'Grace Hopper' };
/** A document no client shipped. */
const OTHER = 'query Other { interviewSessions(first: 1) { totalCount } }';

let folder: string;
let generated: GeneratedManifest;
beforeAll(async () => {
  folder = await makeTempFolder('trusted-documents-');
  generated = await generateManifest(folder, DOCUMENTS);
});
afterAll(() => removeTempFolder(ifSetUp(folder)));

let app: TestApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
  await killAllServers();
});

const start = (mode: string, env: Record<string, string> = {}, logLines?: string[]) =>
  startTestApp({ TRUSTED_DOCUMENTS: mode, TRUSTED_DOCUMENTS_MANIFEST: generated.path, ...env }, { logLines });

const post = (body: unknown) => postJson(app!.url, body);

/** A client built with Apollo's persisted query list: it sends the manifest's ids, never the documents. */
function listClient(baseUrl: string) {
  const ids = generatePersistedQueryIdsFromManifest({ loadManifest: () => Promise.resolve(generated.manifest) });
  return apolloClient(baseUrl, new PersistedQueryLink(ids));
}

const notInList = async () => sample(await scrape(app!.url), 'graphql_documents_not_in_list_total', '{mode="enforce"}') ?? 0;
const loggedNotInList = async () => sample(await scrape(app!.url), 'graphql_documents_not_in_list_total', '{mode="log"}') ?? 0;

describe('TRUSTED_DOCUMENTS=enforce', () => {
  it("runs the manifest's operations sent by Apollo Client's persisted-query link, by id alone", async () => {
    app = await start('enforce');
    const { client, sent } = listClient(app.url);
    const created = await client.mutate({ mutation: gql(DOCUMENTS.Create), variables: { input: INPUT } });
    const id = (created.data as any).createInterviewSession.id;
    const read = await client.query({ query: gql(DOCUMENTS.Session), variables: { id } });
    expect(read.data).toEqual({ interviewSession: { id, title: 'Trusted', __typename: 'InterviewSession' } });
    expect(sent.map((body) => [body.query, body.extensions.persistedQuery.sha256Hash])).toEqual([
      [undefined, generated.idOf('Create')],
      [undefined, generated.idOf('Session')],
    ]);
  });

  it('runs them by documentId, with or without sha256:, and answers PERSISTED_QUERY_NOT_FOUND for any other id', async () => {
    app = await start('enforce');
    const created = await post({ documentId: `sha256:${generated.idOf('Create')}`, variables: { input: INPUT } });
    expect(created.status).toBe(200);
    const { id } = created.body.data.createInterviewSession;
    const read = await post({ documentId: generated.idOf('Session'), variables: { id } });
    expect(read.body.data).toEqual({ interviewSession: { id, title: 'Trusted', __typename: 'InterviewSession' } });
    const unknown = await post({ documentId: `sha256:${sha256(OTHER)}` });
    expect([unknown.status, errorCodes(unknown)]).toEqual([200, ['PERSISTED_QUERY_NOT_FOUND']]);
  });

  it('runs a manifest document sent as text, byte for byte as the manifest has it', async () => {
    app = await start('enforce');
    const body = generated.manifest.operations.find((operation) => operation.name === 'Create')!.body;
    const created = await graphql(app.url, body, { input: INPUT });
    expect([created.status, created.body.data?.createInterviewSession.title]).toEqual([200, 'Trusted']);
    // The same operation, written otherwise, is another document.
    const rewritten = await graphql(app.url, DOCUMENTS.Create, { input: INPUT });
    expect([rewritten.status, errorCodes(rewritten)]).toEqual([403, ['PERSISTED_QUERY_NOT_IN_LIST']]);
  });

  it('refuses any other document with 403 PERSISTED_QUERY_NOT_IN_LIST before parsing it, and logs and counts it', async () => {
    const lines: string[] = [];
    app = await start('enforce', {}, lines);
    const before = await notInList();
    const mutation = 'mutation { createInterviewSession(input: { title: "x", candidateName: "y" }) { id } }';
    for (const text of [OTHER, mutation, '{ not a document']) {
      const response = await graphql(app.url, text);
      expect([response.status, errorCodes(response)]).toEqual([403, ['PERSISTED_QUERY_NOT_IN_LIST']]);
    }
    // Sent by GET, or registered as an automatic persisted query: refused alike.
    const byGet = await fetch(`${app.url}/graphql?query=${encodeURIComponent(OTHER)}`, { headers: { 'apollo-require-preflight': 'true' } });
    const refusedByGet = (await byGet.json()) as GraphQLResponse['body'];
    expect([byGet.status, refusedByGet.errors?.[0]?.extensions?.code]).toEqual([403, 'PERSISTED_QUERY_NOT_IN_LIST']);
    const registered = await post({ query: OTHER, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(OTHER) } } });
    expect([registered.status, errorCodes(registered)]).toEqual([403, ['PERSISTED_QUERY_NOT_IN_LIST']]);
    expect(await app.db.query('select id from interview_session')).toEqual([]);
    expect(await notInList()).toBe(before + 5);
    expect(requestLines(lines).at(-1)).toMatchObject({ outcome: 'document_not_in_list', status: 403, document: sha256(OTHER) });
  });

  it('leaves introspection to GRAPHQL_INTROSPECTION', async () => {
    app = await start('enforce');
    const allowed = await graphql(app.url, getIntrospectionQuery());
    expect([allowed.status, allowed.body.data?.__schema.queryType.name]).toEqual([200, 'Query']);
    await app.stop();
    app = await start('enforce', { GRAPHQL_INTROSPECTION: 'false' });
    const refused = await graphql(app.url, getIntrospectionQuery());
    expect([refused.status, errorCodes(refused)]).toEqual([403, ['PERSISTED_QUERY_NOT_IN_LIST']]);
  });
});

describe('TRUSTED_DOCUMENTS=log', () => {
  it('runs everything, and logs each document not in the manifest once, with its hash and name, counting every request', async () => {
    const lines: string[] = [];
    app = await start('log', {}, lines);
    const before = await loggedNotInList();
    for (let i = 0; i < 3; i++) {
      const response = await graphql(app.url, OTHER);
      expect([response.status, response.body.data]).toEqual([200, { interviewSessions: { totalCount: 0 } }]);
    }
    // The manifest's operations, by Apollo Client's link and by documentId, are not reported.
    const { client } = listClient(app.url);
    const created = await client.mutate({ mutation: gql(DOCUMENTS.Create), variables: { input: INPUT } });
    const { id } = (created.data as any).createInterviewSession;
    expect((await post({ documentId: generated.idOf('Session'), variables: { id } })).body.data.interviewSession.id).toBe(id);
    expect((await graphql(app.url, getIntrospectionQuery())).status).toBe(200);
    // An unknown id is not found in either mode: nothing enforce would change.
    expect(errorCodes(await post({ documentId: sha256(OTHER) }))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);

    const reported = logged(lines).filter((line) => line.msg.startsWith('document not in the trusted documents manifest'));
    expect(reported).toEqual([expect.objectContaining({ level: 40, document: sha256(OTHER), operation: 'Other' })]);
    expect(await loggedNotInList()).toBe(before + 3);
  });
});

describe('TRUSTED_DOCUMENTS=off with a manifest', () => {
  it('does not read it: any document runs, and its ids are unknown until registered', async () => {
    const lines: string[] = [];
    app = await start('off', {}, lines);
    expect(logged(lines).find((line) => line.msg.startsWith('TRUSTED_DOCUMENTS=off'))).toMatchObject({
      level: 40,
      manifest: generated.path,
    });
    expect((await graphql(app.url, OTHER)).status).toBe(200);
    expect(errorCodes(await post({ documentId: generated.idOf('Session') }))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });
});

describe('a manifest', () => {
  it('with an operation the schema no longer serves stops the server at start, with one line naming it', async () => {
    const body = 'query Interviewer { interviewSessions(first: 1) { nodes { interviewer } } }';
    const stale = { id: sha256(body), name: 'Interviewer', type: 'query', body };
    const path = join(folder, 'stale.json');
    await writeFile(path, JSON.stringify({ ...generated.manifest, operations: [...generated.manifest.operations, stale] }));
    const server = spawnServer({ TRUSTED_DOCUMENTS: 'enforce', TRUSTED_DOCUMENTS_MANIFEST: path });
    expect((await exitWithin(server, 20_000)).code).toBe(1);
    expect(server.stderr()).toBe(
      `manifest ${path}: operation Interviewer (${stale.id.slice(0, 12)}…) would no longer run: ` +
        'Cannot query field "interviewer" on type "InterviewSession".\n',
    );
  });

  it.each([
    ['is not JSON', 'operations:', /is not JSON/],
    ['is in another format', JSON.stringify({ format: 'other', version: 1, operations: [] }), /is not in the format .*: format/],
    [
      'has an id that is not the SHA-256 of its body',
      JSON.stringify({
        format: 'apollo-persisted-query-manifest',
        version: 1,
        operations: [{ id: sha256('x'), name: 'Typename', type: 'query', body: '{ __typename }' }],
      }),
      /the id of operation Typename is not the SHA-256 of its body/,
    ],
  ])('that %s stops the server at start', async (_case, content, message) => {
    const path = join(folder, 'broken.json');
    await writeFile(path, content);
    await expect(start('log', { TRUSTED_DOCUMENTS_MANIFEST: path })).rejects.toThrow(message);
  });
});
