import { readdir, readFile } from 'node:fs/promises';

/**
 * Any process on the machine as /proc shows it, whoever started it: for the processes a test
 * did not spawn itself (a server's PostgreSQL, a killed postmaster's orphaned backends).
 */

interface ProcessStat {
  /** R, S, D, Z (zombie)… */
  state: string;
  parent: number;
}

async function statOf(pid: number | string): Promise<ProcessStat | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (!stat) return undefined;
  // The command name in parentheses may hold spaces: the fields start after its last ')'.
  const [state, parent] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: state!, parent: Number(parent) };
}

/** Pids of the live (not zombie) processes whose command line (argv, or the title a process gave itself) matches. */
export async function findProcesses(matches: (argv: string[]) => boolean): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => undefined);
    if (cmdline === undefined || !matches(cmdline.split('\0'))) continue;
    const stat = await statOf(entry);
    if (stat && stat.state !== 'Z') pids.push(Number(entry));
  }
  return pids;
}

/** The parent pid of a live process, or undefined when it is gone (or a zombie). */
export async function parentOf(pid: number): Promise<number | undefined> {
  const stat = await statOf(pid);
  return stat && stat.state !== 'Z' ? stat.parent : undefined;
}

/** True while a process with this pid exists, ours or another user's. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Sends `signal` unless the process is gone already. */
export function signalIfAlive(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // gone meanwhile
  }
}
