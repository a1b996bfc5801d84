import net from 'node:net';

/**
 * A TCP proxy for tests that need the network between the server and PostgreSQL to fail in
 * the ways real networks do. Point the code under test at `proxy.host:proxy.port`, then flip
 * modes mid-test:
 *
 * - `pass`:   new connections are forwarded to the target, both directions.
 * - `refuse`: new connections are refused (ECONNREFUSED): nothing listens on the port.
 *             Connections already open keep working.
 * - `hang`:   new connections are accepted but never forwarded nor answered
 *             (a server that accepts and never answers).
 * - `stall`:  connections open at the moment of the switch go silent both ways: bytes are
 *             swallowed, no FIN, no RST, sockets stay open (a NAT/firewall that silently
 *             dropped the existing flows). New connections pass normally.
 */
export type ProxyMode = 'pass' | 'refuse' | 'hang' | 'stall';

export interface TcpProxy {
  readonly host: '127.0.0.1';
  readonly port: number;
  /**
   * Takes effect at once, except leaving `refuse`: re-binding the port goes through
   * dns.lookup('127.0.0.1'), a tick later. Await it before connecting; it resolves
   * immediately for every other switch, so ignoring the promise is harmless there.
   */
  setMode(mode: ProxyMode): Promise<void>;
  /** Abruptly kills every open connection (the client gets an RST); the mode stays as it is. */
  cutAll(): void;
  /** Client connections currently open through the proxy (passing, hung or stalled). */
  openConnections(): number;
  /** Destroys every socket and stops listening; safe to call more than once. */
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

/** One accepted client and, unless it is hung, its connection to the target. */
interface Pair {
  client: net.Socket;
  upstream?: net.Socket;
  stalled: boolean;
}

// Resets and broken pipes are the point of this proxy; a listener keeps them from crashing jest.
const ignore = (): void => undefined;

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: ProxyMode = 'pass';
  let port = 0; // the first listen picks a free port, every re-listen (after `refuse`) reuses it
  let server: net.Server | undefined; // undefined while refusing and once closed
  let listening = Promise.resolve(); // the latest bind, so setMode() can wait for one in flight
  let closing: Promise<void> | undefined;
  const pairs = new Set<Pair>();

  function onConnection(client: net.Socket): void {
    const pair: Pair = { client, stalled: false };
    pairs.add(pair);
    track(pair, client);
    if (mode === 'hang') {
      client.resume(); // read and drop, so the client's writes are acknowledged yet never answered
      return;
    }
    // `pass`, or `stall`, which only silences the flows that existed when it was switched on.
    const upstream = net.connect({ host: target.host, port: target.port, noDelay: true });
    pair.upstream = upstream;
    track(pair, upstream);
    client.pipe(upstream);
    upstream.pipe(client);
  }

  function track(pair: Pair, socket: net.Socket): void {
    socket.on('error', ignore);
    socket.once('close', () => {
      // A live pair dies as a whole, like the real connection would. A stalled one doesn't:
      // the far side must not learn anything, so it stays open until cutAll() or close().
      if (!pair.stalled) destroyPair(pair);
      if (pair.client.closed && (!pair.upstream || pair.upstream.closed)) pairs.delete(pair);
    });
  }

  function destroyPair(pair: Pair): void {
    pair.client.destroy();
    pair.upstream?.destroy();
  }

  function stall(pair: Pair): void {
    pair.stalled = true;
    for (const socket of [pair.client, pair.upstream]) {
      if (!socket) continue;
      socket.unpipe(); // stop forwarding data, and a FIN too (pipe() ends the other side on end)
      socket.allowHalfOpen = true; // and don't answer a peer's FIN with our own: stay silent
      socket.resume(); // keep reading so the data is discarded instead of buffered
    }
  }

  /** Binds `port` on a fresh server; settles once listening, or once closed before it got there. */
  function listen(): Promise<void> {
    const listener = net.createServer({ noDelay: true }, onConnection);
    server = listener;
    return new Promise((resolve, reject) => {
      listener.once('listening', () => {
        port = (listener.address() as net.AddressInfo).port;
        resolve();
      });
      // A `refuse` or close() arriving before the bind completed cancels the listen: not an error.
      listener.once('close', resolve);
      // Bind errors (EADDRINUSE if someone took the port meanwhile) reject, and the next
      // setMode() retries the bind; later errors (EMFILE on accept...) are ignored.
      listener.on('error', (error) => {
        if (server === listener && !listener.listening) server = undefined;
        reject(error);
      });
      listener.listen(port, HOST);
    });
  }

  await listen();

  return {
    host: HOST,
    port,

    async setMode(next) {
      if (closing) throw new Error('TcpProxy: setMode() after close()');
      if (next === 'stall') for (const pair of pairs) if (!pair.stalled) stall(pair);
      mode = next;
      if (next === 'refuse') {
        // Closing the listening socket is synchronous, so the very next connect is refused.
        // server.close() leaves the accepted connections alone.
        server?.close();
        server = undefined;
      } else {
        if (!server) listening = listen();
        await listening;
      }
    },

    cutAll() {
      for (const pair of pairs) {
        pair.client.resetAndDestroy(); // RST rather than FIN: an abrupt cut, not a goodbye
        pair.upstream?.destroy();
      }
    },

    openConnections() {
      let open = 0;
      for (const pair of pairs) if (!pair.client.destroyed) open++;
      return open;
    },

    close() {
      closing ??= (async () => {
        const closed: Promise<unknown>[] = [];
        const listener = server;
        server = undefined;
        // The callback fires (possibly with ERR_SERVER_NOT_RUNNING) once the server is closed.
        if (listener) closed.push(new Promise((resolve) => listener.close(resolve)));
        for (const pair of pairs) {
          for (const socket of [pair.client, pair.upstream]) {
            if (!socket || socket.closed) continue;
            closed.push(new Promise((resolve) => socket.once('close', resolve)));
            socket.destroy();
          }
        }
        // Resolve only once every handle is really gone, so jest can exit on its own.
        await Promise.all(closed);
      })();
      return closing;
    },
  };
}
