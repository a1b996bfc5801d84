import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { findProcesses, signalIfAlive } from './process-table';

/**
 * The PostgreSQL postmasters running on a data directory, whoever started them (a server under
 * test, its orphan after a SIGKILL): for checking that none is left, and cleaning up whatever
 * happened.
 */

/** Pids of the postmasters running on `dataDir` (their command line names it; the backends' command lines do not). */
export function postgresProcessesOn(dataDir: string): Promise<number[]> {
  const wanted = resolve(dataDir);
  return findProcesses((argv) => argv[0]!.endsWith('/postgres') && argv.some((arg) => resolve(arg) === wanted));
}

/** The postmaster pid recorded in `dataDir`/postmaster.pid, if the file exists. */
export async function postmasterPidOf(dataDir: string): Promise<number | undefined> {
  const text = await readFile(join(dataDir, 'postmaster.pid'), 'utf8').catch(() => undefined);
  const pid = Number.parseInt(text?.split('\n')[0] ?? '', 10);
  return Number.isInteger(pid) ? pid : undefined;
}

/**
 * Stops every PostgreSQL still running on `dataDir` (orphans of a killed server included):
 * fast shutdown, then SIGKILL after `graceMs`. For afterEach / afterAll.
 */
export async function stopPostgresOn(dataDir: string, graceMs = 5_000): Promise<void> {
  (await postgresProcessesOn(dataDir)).forEach((pid) => signalIfAlive(pid, 'SIGINT'));
  const deadline = Date.now() + graceMs;
  while ((await postgresProcessesOn(dataDir)).length > 0) {
    if (Date.now() > deadline) {
      (await postgresProcessesOn(dataDir)).forEach((pid) => signalIfAlive(pid, 'SIGKILL'));
      break;
    }
    await new Promise((next) => setTimeout(next, 50));
  }
}
