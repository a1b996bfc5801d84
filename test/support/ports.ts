import net from 'node:net';

const HOST = '127.0.0.1';
const ATTEMPTS = 5;

/** A TCP port on 127.0.0.1 that was free a moment ago (callers retry when they lose the race). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** What a start on a free port throws when another process took that port in the meantime. */
export class PortTakenError extends Error {}

/** The words of PostgreSQL, PgBouncer, HAProxy ("Address already in use") and this server ("is already in use"). */
const PORT_IN_USE = /[Aa]ddress already in use|is already in use/;

/** Why a program failed to start: PortTakenError when its output says its port was in use. */
export function startFailure(error: unknown, port: number, output: string): unknown {
  return PORT_IN_USE.test(output) ? new PortTakenError(`port ${port} is taken by another process:\n${output}`) : error;
}

/**
 * Starts something on a free port, trying another one when the start throws PortTakenError:
 * between freePort() and the bind, any process on the machine may take the port.
 */
export async function startOnFreePort<T>(start: (port: number) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      return await start(port);
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt >= ATTEMPTS) throw error;
    }
  }
}
