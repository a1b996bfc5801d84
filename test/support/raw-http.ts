import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Host and port of a base URL like http://127.0.0.1:4000. */
export function addressOf(baseUrl: string): { host: string; port: number } {
  const url = new URL(baseUrl);
  return { host: url.hostname, port: Number(url.port) };
}

/** A connection to the server, for requests no HTTP client would send (no Host, two Hosts, HTTP/1.0…). */
export function openSocket(baseUrl: string): Promise<Socket> {
  const { host, port } = addressOf(baseUrl);
  return new Promise((connected, failed) => {
    const socket = connect(port, host, () => connected(socket));
    socket.once('error', failed);
  });
}

/** Everything the server sends on `socket` until it closes the connection, or `timeoutMs` passes. */
export function readUntilClosed(socket: Socket, timeoutMs = 10_000): Promise<string> {
  return new Promise((done, failed) => {
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      failed(new Error(`the server kept the connection open for ${timeoutMs} ms; received: ${received.slice(0, 200)}`));
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', () => undefined);
    socket.once('close', () => {
      clearTimeout(timer);
      done(received);
    });
  });
}

/** The first response in what a server sent: status, headers (lower-case names) and body. */
export function parseResponse(text: string): RawResponse {
  const end = text.indexOf('\r\n\r\n');
  const [statusLine = '', ...lines] = text.slice(0, end === -1 ? text.length : end).split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
  );
  const length = Number(headers['content-length'] ?? NaN);
  const rest = end === -1 ? '' : text.slice(end + 4);
  return { status: Number(statusLine.split(' ')[1]), headers, body: Number.isNaN(length) ? rest : rest.slice(0, length) };
}

/**
 * Sends `head` (request line and headers, without the blank line) and `body` exactly as written,
 * with `Connection: close` added unless the head says otherwise, and returns the first response.
 */
export async function sendRaw(baseUrl: string, head: string, body = ''): Promise<RawResponse> {
  const socket = await openSocket(baseUrl);
  const closing = /\r\nconnection:/i.test(head) || head.includes(' HTTP/1.0') ? '' : '\r\nConnection: close';
  const received = readUntilClosed(socket);
  socket.write(`${head}${closing}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  return parseResponse(await received);
}
