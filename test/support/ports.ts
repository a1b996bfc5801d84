import { readFileSync } from 'node:fs';
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

/** Whether a TCP port on 127.0.0.1 can be bound right now. */
function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, HOST, () => server.close(() => resolve(true)));
  });
}

/** The lowest port the kernel hands to outgoing connections (ip_local_port_range; Linux's default 32768). */
function ephemeralLowBound(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32_768;
  } catch {
    return 32_768;
  }
}

const LOWEST_RESTARTABLE_PORT = 20_000;

/**
 * A free port below the kernel's ephemeral range, for a program that stops and starts again on
 * the same port (a restarted PostgreSQL, a redeployed instance). freePort() hands out ports from
 * that range, where any outgoing connection of the machine may take the port between the stop
 * and the start; below it, only another listener could.
 */
export async function restartablePort(): Promise<number> {
  const span = ephemeralLowBound() - LOWEST_RESTARTABLE_PORT;
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = LOWEST_RESTARTABLE_PORT + Math.floor(Math.random() * span);
    if (await isFree(port)) return port;
  }
  throw new Error('no free port below the ephemeral range after 50 tries');
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
export async function startOnFreePort<T>(start: (port: number) => Promise<T>, choose: () => Promise<number> = freePort): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const port = await choose();
    try {
      return await start(port);
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt >= ATTEMPTS) throw error;
    }
  }
}
