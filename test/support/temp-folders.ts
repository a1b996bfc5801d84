import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forgetAtExit, removeAtExit } from './exit-cleanup';
import { processExists } from './process-table';
import { unprivilegedUser } from './unprivileged-user';

/**
 * Temp folders of a test. Two kinds:
 *
 * - owned ones (makeOwnedTempDir), for the data, sockets and config of the children the test
 *   runs itself (clusters, PgBouncer): mode 0700, owned by the unprivileged user, removed at
 *   exit if the test did not, and by the next test process if this one was SIGKILLed;
 * - traversable ones (makeTempFolder), for a server under test that starts PostgreSQL itself.
 */

const OWNED_PREFIX = 'harness-';
const OWNER_FILE = '.owner-pid';
let swept: Promise<void> | undefined;

/**
 * Removes the owned folders of test processes that died by SIGKILL (their children died with
 * them, through pdeathsig, but nothing could remove the folders): those whose owner pid is gone.
 * Folders of other live test processes (parallel jest workers) are left alone.
 */
async function sweepStaleDirs(): Promise<void> {
  const entries = await readdir(tmpdir()).catch(() => [] as string[]);
  for (const entry of entries) {
    if (!entry.startsWith(OWNED_PREFIX)) continue;
    const dir = join(tmpdir(), entry);
    const owner = Number.parseInt(await readFile(join(dir, OWNER_FILE), 'utf8').catch(() => ''), 10);
    if (Number.isInteger(owner) && owner !== process.pid && !processExists(owner))
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Gives `path` to the unprivileged user (a no-op unless we are root). */
async function giveToUnprivilegedUser(path: string): Promise<void> {
  const ids = unprivilegedUser();
  if (ids) await chown(path, ids.uid, ids.gid);
}

/**
 * A fresh temp folder (mode 0700, named `harness-<prefix>…`) owned by the unprivileged user, for
 * a child's data, sockets and config. Remove it with removeOwnedTempDir (the process exit hook
 * removes any left; the first call of a later test process removes those of a killed one).
 */
export async function makeOwnedTempDir(prefix: string): Promise<string> {
  await (swept ??= sweepStaleDirs());
  const dir = await mkdtemp(join(tmpdir(), `${OWNED_PREFIX}${prefix}`));
  removeAtExit(dir);
  await writeFile(join(dir, OWNER_FILE), String(process.pid));
  await chmod(dir, 0o700);
  await giveToUnprivilegedUser(dir);
  return dir;
}

/** A new folder the unprivileged user owns, inside an owned temp dir or any folder it can reach. */
export async function makeOwnedSubdir(dir: string, mode = 0o700): Promise<string> {
  await mkdir(dir, { mode });
  await chmod(dir, mode);
  await giveToUnprivilegedUser(dir);
  return dir;
}

/** Writes a file the unprivileged user owns and can read. */
export async function writeOwnedFile(path: string, content: string, mode = 0o600): Promise<void> {
  await writeFile(path, content, { mode });
  await giveToUnprivilegedUser(path);
}

export async function removeOwnedTempDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  forgetAtExit(dir);
}

/**
 * A temp folder every user can traverse (a server running as root starts PostgreSQL as the OS
 * user `postgres`, which must reach the data directory inside it). Remove it with removeTempFolder.
 */
export async function makeTempFolder(prefix: string): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), prefix));
  await chmod(folder, 0o755);
  return folder;
}

export async function removeTempFolder(folder: string | undefined): Promise<void> {
  if (folder) await rm(folder, { recursive: true, force: true });
}

/**
 * The stop() of a program that lives in a temporary folder of its own (PgBouncer, HAProxy):
 * SIGTERM, SIGKILL after 5 s, then the folder goes. Calling it again returns the same promise.
 */
export function stopAndRemoveFolder(program: { stop(signal: NodeJS.Signals, graceMs: number): Promise<unknown> }, dir: string) {
  let stopping: Promise<void> | undefined;
  return (): Promise<void> => {
    stopping ??= (async () => {
      try {
        await program.stop('SIGTERM', 5_000);
      } finally {
        await removeOwnedTempDir(dir);
      }
    })();
    return stopping;
  };
}
