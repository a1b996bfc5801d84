import { readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { StartupError } from '../../startup-error';
import type { Logger } from '../../observability/logger';

/**
 * A run killed with SIGKILL leaves `postmaster.pid` behind, and often the PostgreSQL it started,
 * orphaned. An orphan (its parent is gone: re-parented to init or a subreaper, not a node
 * process) is stopped; a file naming no live PostgreSQL is removed; a PostgreSQL still owned by
 * a live server is that server's: refuse clearly.
 */
export async function clearLeftoverServer(dataDir: string, logger: Logger): Promise<void> {
  const pid = await postmasterPid(dataDir);
  if (pid === undefined) return;

  const postgres = await describeProcess(pid);
  if (!postgres?.command.includes('postgres')) {
    logger.warn({ dataDir }, 'removing a stale postmaster.pid left by a killed run');
    await rm(resolve(dataDir, 'postmaster.pid'), { force: true });
    return;
  }
  const owner = await describeProcess(postgres.parentPid);
  if (owner?.command.includes('node')) {
    throw new StartupError(
      `DATA_DIR ${dataDir} is in use by a running PostgreSQL (pid ${pid}, started by pid ${postgres.parentPid}). ` +
        'Stop that server, or set DATA_DIR to another folder.',
    );
  }
  logger.warn({ pid }, 'stopping the embedded PostgreSQL orphaned by a killed run');
  await stopOrphan(pid);
}

/** The pid of a live PostgreSQL running on `dataDir`, if any. */
export async function runningPostgresOn(dataDir: string): Promise<number | undefined> {
  const pid = await postmasterPid(dataDir);
  if (pid === undefined) return undefined;
  return (await describeProcess(pid))?.command.includes('postgres') ? pid : undefined;
}

async function postmasterPid(dataDir: string): Promise<number | undefined> {
  const text = await readFile(resolve(dataDir, 'postmaster.pid'), 'utf8').catch(() => '');
  const pid = Number.parseInt(text.split('\n')[0] ?? '', 10);
  return Number.isInteger(pid) ? pid : undefined;
}

async function describeProcess(pid: number): Promise<{ command: string; parentPid: number } | undefined> {
  try {
    const [cmdline, stat] = await Promise.all([readFile(`/proc/${pid}/cmdline`, 'utf8'), readFile(`/proc/${pid}/stat`, 'utf8')]);
    // stat: "pid (comm) state ppid ...": the command may contain spaces, so split after ")".
    const [state, parentPid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // An exited orphan stays a zombie until init reaps it: it is gone for our purposes.
    if (state === 'Z') return undefined;
    return { command: cmdline.replaceAll('\0', ' '), parentPid: Number(parentPid) };
  } catch {
    return undefined;
  }
}

async function stopOrphan(pid: number): Promise<void> {
  process.kill(pid, 'SIGINT'); // PostgreSQL's "fast" shutdown
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (!(await describeProcess(pid))) return;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new StartupError(`The orphaned PostgreSQL (pid ${pid}) did not stop within 15 s; stop it by hand.`);
}
