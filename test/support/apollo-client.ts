import { createHash } from 'node:crypto';
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';

/** What a client sent to /graphql: each request's parsed JSON body, in order. */
export type SentBodies = Record<string, any>[];

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * A real Apollo Client against a test server, sending through `link` (a persisted-query link)
 * and recording every body it sends. No cache between requests: each query goes to the server.
 */
export function apolloClient(baseUrl: string, link: ApolloLink): { client: ApolloClient; sent: SentBodies } {
  const sent: SentBodies = [];
  const recording: typeof fetch = (input, init) => {
    sent.push(JSON.parse(init?.body as string));
    return fetch(input, init);
  };
  const client = new ApolloClient({
    cache: new InMemoryCache(),
    link: ApolloLink.from([link, new HttpLink({ uri: `${baseUrl}/graphql`, fetch: recording })]),
    defaultOptions: { query: { fetchPolicy: 'no-cache' } },
  });
  return { client, sent };
}
