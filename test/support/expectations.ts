import { exitWithin, type ServerProcess } from './server-process';
import type { GraphQLResponse } from './graphql-client';

/** How long some work took, with its result. */
export async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

export function expectOk(response: GraphQLResponse): void {
  expect([response.status, response.body.errors]).toEqual([200, undefined]);
}

/** The 503 contract as docs/operations.md states it: a GraphQL body, one DATABASE_UNAVAILABLE error, `Retry-After: 1`, nothing leaked. */
export function expectDatabaseUnavailable(response: GraphQLResponse): void {
  expect(response.status).toBe(503);
  expect(response.headers.get('retry-after')).toBe('1');
  expect(response.body.data).toBeNull();
  expect(response.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'DATABASE_UNAVAILABLE' } })]);
  expect(JSON.stringify(response.body)).not.toMatch(/127\.0\.0\.1|localhost|5432|select|ECONN|timeout|knex|postgres/i);
}

/** SIGTERM, then an orderly exit (code 0) within `withinMs`; returns how long the exit took. */
export async function expectCleanExitOnSigterm(server: ServerProcess, withinMs: number): Promise<number> {
  const signalledAt = performance.now();
  server.signal('SIGTERM');
  expect(await exitWithin(server, withinMs)).toEqual({ code: 0, signal: null });
  return performance.now() - signalledAt;
}

/**
 * A start-up failure the user can fix, as the server must report it: exit code 1, exactly one
 * line on stderr, no stack trace. Returns that line.
 */
export async function expectOneLineStartupFailure(server: ServerProcess, timeoutMs = 30_000): Promise<string> {
  expect(await exitWithin(server, timeoutMs)).toEqual({ code: 1, signal: null });
  const lines = server
    .stderr()
    .split('\n')
    .filter((line) => line.trim() !== '');
  expect(lines).toHaveLength(1);
  expect(server.stderr()).not.toMatch(/^\s+at /m);
  return lines[0]!;
}
