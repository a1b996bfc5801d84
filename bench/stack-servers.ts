/**
 * The stack under this server, with none of the project's code, for `npm run bench:layers`:
 *
 *   STACK=http    node:http answering `{ __typename }` with fixed JSON (the transport alone)
 *   STACK=apollo  Fastify + Apollo Server 5 (@as-integrations/fastify) over a one-field schema,
 *                 configured as plainly as Apollo allows (cache control and landing page off)
 *
 * Both answer POST /graphql with `{"data":{"__typename":"Query"}}`, as the server does.
 */
import { createServer } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import fastifyApollo from '@as-integrations/fastify';
import Fastify from 'fastify';
import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';

const port = Number(process.env.PORT ?? 4200);
const host = '127.0.0.1';
const answer = `${JSON.stringify({ data: { __typename: 'Query' } })}\n`;

async function main(): Promise<void> {
  if (process.env.STACK === 'http') {
    createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (request.method === 'POST') JSON.parse(Buffer.concat(chunks).toString('utf8'));
        response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(answer) });
        response.end(answer);
      });
    }).listen(port, host);
    return;
  }
  const schema = new GraphQLSchema({ query: new GraphQLObjectType({ name: 'Query', fields: { unused: { type: GraphQLString } } }) });
  const apollo = new ApolloServer({ schema, plugins: [ApolloServerPluginCacheControlDisabled(), ApolloServerPluginLandingPageDisabled()] });
  await apollo.start();
  const app = Fastify();
  await app.register(fastifyApollo(apollo));
  await app.listen({ port, host });
}

void main();
