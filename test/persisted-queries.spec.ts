import { gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { apolloClient, sha256 } from './support/apollo-client';
import { errorCodes, postJson, type GraphQLResponse } from './support/graphql-client';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Automatic persisted queries, while TRUSTED_DOCUMENTS is off: a client sends a document's hash,
 * and the document only when the server does not know it yet. Apollo Client's persisted-query
 * link does this by itself; a `documentId` (GraphQL Codegen's client preset) names the same hash.
 */

const QUERY = 'query Typename { __typename }';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

const post = (body: unknown) => postJson(app!.url, body);

describe('automatic persisted queries', () => {
  it("work with Apollo Client's persisted-query link: the document is sent once, then only its hash", async () => {
    app = await startTestApp();
    const { client, sent } = apolloClient(app.url, new PersistedQueryLink({ sha256 }));
    const query = gql`
      query Sessions {
        interviewSessions(first: 1) {
          totalCount
        }
      }
    `;
    expect((await client.query({ query })).data).toEqual({
      interviewSessions: { totalCount: 0, __typename: 'InterviewSessionConnection' },
    });
    expect((await client.query({ query })).data).toEqual({
      interviewSessions: { totalCount: 0, __typename: 'InterviewSessionConnection' },
    });
    // The hash alone (not found), the hash with the document, then the hash alone (found).
    expect(sent.map((body) => [typeof body.query, body.extensions.persistedQuery.sha256Hash])).toEqual([
      ['undefined', expect.stringMatching(/^[0-9a-f]{64}$/)],
      ['string', sent[0]!.extensions.persistedQuery.sha256Hash],
      ['undefined', sent[0]!.extensions.persistedQuery.sha256Hash],
    ]);
  });

  it('resolve a documentId, with or without its sha256: prefix, once the document is known', async () => {
    app = await startTestApp();
    const hash = sha256(QUERY);
    const unknown = await post({ documentId: `sha256:${hash}` });
    expect([unknown.status, errorCodes(unknown)]).toEqual([200, ['PERSISTED_QUERY_NOT_FOUND']]);
    const registered = await post({ query: QUERY, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
    expect(registered.body.data).toEqual({ __typename: 'Query' });
    for (const documentId of [`sha256:${hash}`, hash]) {
      const known = await post({ documentId });
      expect([known.status, known.body.data]).toEqual([200, { __typename: 'Query' }]);
    }
    const byGet = await fetch(`${app.url}/graphql?documentId=sha256:${hash}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect([byGet.status, ((await byGet.json()) as GraphQLResponse['body']).data]).toEqual([200, { __typename: 'Query' }]);
  });

  it('refuse a document whose hash is not the one sent with it, and keep nothing of it', async () => {
    app = await startTestApp();
    const wrong = sha256('query Other { __typename }');
    const response = await post({ query: QUERY, extensions: { persistedQuery: { version: 1, sha256Hash: wrong } } });
    expect([response.status, errorCodes(response)]).toEqual([400, ['BAD_REQUEST']]);
    expect(errorCodes(await post({ documentId: wrong }))).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
  });

  it('are not offered with GRAPHQL_APQ_CACHE_MB=0', async () => {
    app = await startTestApp({ GRAPHQL_APQ_CACHE_MB: '0' });
    const response = await post({ query: QUERY, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(QUERY) } } });
    expect([response.status, errorCodes(response)]).toEqual([200, ['PERSISTED_QUERY_NOT_SUPPORTED']]);
  });
});
