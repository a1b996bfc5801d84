import type { EventEmitter } from 'node:events';
import { Client, type ClientConfig } from 'pg';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy';

// The PostgreSQL the test run uses (globalSetup guarantees TEST_DATABASE_URL); the proxy sits in front of it.
const databaseUrl = new URL(process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');

let proxy: TcpProxy;
let clients: Client[] = [];
const clientErrors = new Map<Client, Error[]>();

beforeEach(async () => {
  proxy = await startTcpProxy({ host: databaseUrl.hostname, port: Number(databaseUrl.port || 5432) });
});

afterEach(async () => {
  // Proxy first: it frees hung and stalled connections, so ending their clients can't wait forever.
  await proxy.close();
  await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
  clients = [];
  clientErrors.clear();
});

/** A pg client connecting through the proxy; its 'error' events are recorded, never unhandled. */
function clientThroughProxy(config: ClientConfig = {}): Client {
  const url = new URL(databaseUrl);
  url.hostname = proxy.host;
  url.port = String(proxy.port);
  const client = new Client({ ...config, connectionString: url.toString() });
  clientErrors.set(client, []);
  client.on('error', (error) => clientErrors.get(client)?.push(error));
  clients.push(client);
  return client;
}

async function connectedClient(): Promise<Client> {
  const client = clientThroughProxy();
  await client.connect();
  return client;
}

const selectOne = async (client: Client, config: { query_timeout?: number } = {}) =>
  (await client.query({ text: 'select 1 as one', ...config })).rows;

/** Resolves on the next `event`, or fails after `ms`: a bounded wait, not a sleep. */
function nextEvent(emitter: EventEmitter, event: string, ms = 2_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const onEvent = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      emitter.off(event, onEvent);
      reject(new Error(`no '${event}' event within ${ms}ms`));
    }, ms);
    emitter.once(event, onEvent);
  });
}

/** Bounded wait for state with no event of its own (a connection being accepted by the proxy). */
async function eventually(condition: () => boolean, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms}ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Runs `action` and returns the error it rejects with, with how long that took. */
async function failure(action: () => Promise<unknown>): Promise<{ error: Error & { code?: string }; ms: number }> {
  const started = Date.now();
  try {
    await action();
  } catch (error) {
    return { error: error as Error & { code?: string }, ms: Date.now() - started };
  }
  throw new Error('expected a failure, but it succeeded');
}

describe('when the proxy passes traffic', () => {
  it('forwards queries to PostgreSQL and the results back', async () => {
    const client = await connectedClient();

    expect(await selectOne(client)).toEqual([{ one: 1 }]);
    expect(proxy.openConnections()).toBe(1);
  });
});

describe('when the proxy refuses connections', () => {
  it('fails a new connection with ECONNREFUSED at once', async () => {
    await proxy.setMode('refuse');

    const { error, ms } = await failure(() => clientThroughProxy().connect());

    expect(error.code).toBe('ECONNREFUSED');
    expect(ms).toBeLessThan(1_000);
  });

  it('leaves connections that were already open working', async () => {
    const client = await connectedClient();

    await proxy.setMode('refuse');

    expect(await selectOne(client)).toEqual([{ one: 1 }]);
  });

  it('accepts connections again, on the same port, once switched back to pass', async () => {
    const { port } = proxy;
    await proxy.setMode('refuse');
    await expect(clientThroughProxy().connect()).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    await proxy.setMode('pass');

    expect(proxy.port).toBe(port);
    expect(await selectOne(await connectedClient())).toEqual([{ one: 1 }]);
  });
});

describe('when the proxy hangs', () => {
  it('accepts a new connection but never answers, so connecting times out', async () => {
    await proxy.setMode('hang');

    const { error, ms } = await failure(() => clientThroughProxy({ connectionTimeoutMillis: 500 }).connect());

    expect(error.message).toMatch(/timeout/);
    expect(ms).toBeGreaterThanOrEqual(450);
  });

  it('leaves connections that were already open working', async () => {
    const client = await connectedClient();

    await proxy.setMode('hang');

    expect(await selectOne(client)).toEqual([{ one: 1 }]);
  });
});

describe('when the proxy stalls', () => {
  it('silences the connections open at the switch: a query times out, and the connection is not closed', async () => {
    const client = await connectedClient();
    await proxy.setMode('stall');

    const { error, ms } = await failure(() => selectOne(client, { query_timeout: 500 }));

    expect(error.message).toBe('Query read timeout');
    expect(ms).toBeGreaterThanOrEqual(450);
    // Silent means silent: no FIN or RST reached the client, the socket is still open.
    expect(clientErrors.get(client)).toStrictEqual([]);
    expect(proxy.openConnections()).toBe(1);
  });

  it('lets connections made during the stall through', async () => {
    await connectedClient();
    await proxy.setMode('stall');

    const fresh = await connectedClient();

    expect(await selectOne(fresh, { query_timeout: 2_000 })).toEqual([{ one: 1 }]);
  });
});

describe('when the proxy cuts all connections', () => {
  it('kills every open connection: the client gets an error and its end, and queries fail', async () => {
    const client = await connectedClient();
    const ended = nextEvent(client, 'end');

    proxy.cutAll();

    await ended;
    // pg reports the RST, then the close.
    expect(clientErrors.get(client)?.map((error) => (error as Error & { code?: string }).code ?? error.message)).toStrictEqual([
      'ECONNRESET',
      'Connection terminated unexpectedly',
    ]);
    await expect(selectOne(client)).rejects.toThrow('Client has encountered a connection error and is not queryable');
    expect(proxy.openConnections()).toBe(0);
  });

  it('keeps its mode: new connections still pass', async () => {
    await connectedClient();

    proxy.cutAll();

    expect(await selectOne(await connectedClient())).toEqual([{ one: 1 }]);
  });
});

describe('when the proxy is closed', () => {
  it('drops every connection, passing, stalled and hung, and stops listening', async () => {
    const stalled = await connectedClient();
    await proxy.setMode('stall');
    const passing = await connectedClient(); // made during the stall, so it passes
    await proxy.setMode('hang');
    const hung = clientThroughProxy().connect(); // no connect timeout: only the close can end it
    hung.catch(() => undefined);
    await eventually(() => proxy.openConnections() === 3);
    const passingEnded = nextEvent(passing, 'end');
    const stalledEnded = nextEvent(stalled, 'end');

    await proxy.close();

    await Promise.all([passingEnded, stalledEnded]);
    // FIN or RST: the kernel answers with an RST when unread bytes (the startup message) are discarded.
    await expect(hung).rejects.toThrow(/Connection terminated unexpectedly|ECONNRESET/);
    expect(proxy.openConnections()).toBe(0);
    await expect(clientThroughProxy().connect()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('can be closed twice', async () => {
    await proxy.close();

    await expect(proxy.close()).resolves.toBeUndefined();
  });
});
