import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { httpStatusFor } from './client-errors';

const listener: GraphQLRequestListener<object> = {
  async willSendResponse({ response }) {
    if (response.body.kind !== 'single' || !response.body.singleResult.errors) return;
    const { data, errors } = response.body.singleResult;
    const http = httpStatusFor(errors, anythingSucceeded(data, errors));
    if (!http) return;
    response.http.status = http.status;
    for (const [name, value] of Object.entries(http.headers)) response.http.headers.set(name, value);
  },
};

/**
 * Gives a response the HTTP status its errors call for (client-errors.ts): 503 with Retry-After
 * when the database was unavailable, 403 when a missing scope left nothing to answer. Apollo
 * itself sets the statuses of its own request errors; a request refused for its credentials
 * never gets here (see context.ts).
 */
export const errorStatusPlugin: ApolloServerPlugin = { requestDidStart: async () => listener };

function anythingSucceeded(data: Record<string, unknown> | null | undefined, errors: readonly GraphQLFormattedError[]): boolean {
  if (!data) return false;
  const failed = new Set(errors.map((error) => error.path?.[0]));
  return Object.keys(data).some((field) => !failed.has(field));
}
