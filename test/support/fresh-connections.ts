import http from 'node:http';
import net from 'node:net';

/**
 * Requests on a connection of their own, closed right after: unlike fetch(), whose pooled
 * keep-alive sockets stay open, these say what a brand-new client gets (refused during a
 * shutdown, say) and hold nothing open that a server would have to wait for.
 */

/**
 * Opens a brand-new TCP connection (never a pooled keep-alive socket) to the server's port:
 * 'accepted', or the error code (ECONNREFUSED once nothing listens any more).
 */
export function connectOnce(url: string, timeoutMs = 1_000): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((done) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    const finish = (result: string) => {
      socket.destroy();
      done(result);
    };
    socket.setTimeout(timeoutMs, () => finish('ETIMEDOUT'));
    socket.once('connect', () => finish('accepted'));
    socket.once('error', (error: NodeJS.ErrnoException) => finish(error.code ?? error.message));
  });
}

export interface PlainResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/**
 * A GraphQL POST on a connection of its own that the client does not keep alive
 * (`Connection: close`), unlike fetch(), whose pooled sockets stay open after the response.
 */
export function graphqlOnce(url: string, query: string): Promise<PlainResponse> {
  const payload = JSON.stringify({ query });
  return new Promise((done, fail) => {
    const request = http.request(
      `${url}/graphql`,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), connection: 'close' },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          try {
            done({ status: response.statusCode!, headers: response.headers, body: JSON.parse(text) });
          } catch (error) {
            fail(error instanceof Error ? error : new Error(String(error)));
          }
        });
        response.on('error', fail);
      },
    );
    request.on('error', fail);
    request.end(payload);
  });
}
