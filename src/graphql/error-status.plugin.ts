import type { ApolloServerPlugin } from '@apollo/server';
import { httpStatusFor } from './client-errors';

/**
 * Gives a response the HTTP status its errors call for (client-errors.ts): 503 with Retry-After
 * when the database was unavailable. Apollo itself sets the statuses of its own request errors.
 */
export const errorStatusPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single' || !response.body.singleResult.errors) return;
        const http = httpStatusFor(response.body.singleResult.errors.map((error) => error.extensions?.code));
        if (!http) return;
        response.http.status = http.status;
        for (const [name, value] of Object.entries(http.headers)) response.http.headers.set(name, value);
      },
    };
  },
};
