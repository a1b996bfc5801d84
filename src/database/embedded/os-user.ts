import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, parse, resolve, sep } from 'node:path';
import { StartupError } from '../../startup-error';

/** The OS account the embedded PostgreSQL runs as, when it is not this process's own. */
export interface OsUser {
  name: string;
  uid: number;
  gid: number;
}

const POSTGRES_USER = 'postgres';

/**
 * PostgreSQL refuses to run as root. As root, the embedded server runs as the OS user
 * `postgres`, created (as a system account) when the machine has none. As anyone else it runs
 * as this process's own user: undefined.
 */
export function postgresOsUser(): OsUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  return findUser(POSTGRES_USER) ?? createSystemUser(POSTGRES_USER);
}

function findUser(name: string): OsUser | undefined {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, name], { encoding: 'utf8', stdio: 'pipe' }).trim());
    return { name, uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}

function createSystemUser(name: string): OsUser {
  let failure = 'it is still missing afterwards';
  try {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', name], { stdio: 'pipe' });
  } catch (error) {
    failure = String(error instanceof Error ? error.message : error).split('\n')[0] ?? failure;
  }
  const created = findUser(name);
  if (created) return created;
  throw new StartupError(
    `The embedded PostgreSQL cannot run as root and the OS user "${name}" does not exist; creating it failed ` +
      `(${failure}). Create it (useradd --system ${name}), run as an ordinary user, or set DATABASE_URL.`,
  );
}

/**
 * Whether `user` may pass through a folder (or run a file): `test -x`, run as that user, so the
 * kernel answers with everything it weighs (modes of every parent, groups, ACLs).
 */
export function canPass(path: string, user: OsUser): boolean {
  return spawnSync('test', ['-x', path], { uid: user.uid, gid: user.gid, stdio: 'ignore' }).status === 0;
}

/**
 * The first folder on the way to `path` that `user` cannot pass through (a home folder of mode
 * 700, say), or undefined when it can reach `path`, or where `path` would be created. `path`
 * itself is not judged, only the folders that lead to it.
 */
export function firstBlockedFolder(path: string, user: OsUser): string | undefined {
  let nearest = dirname(resolve(path));
  while (!existsSync(nearest) && nearest !== parse(nearest).root) nearest = dirname(nearest);
  if (canPass(nearest, user)) return undefined;
  const parts = nearest.split(sep).filter(Boolean);
  for (let depth = 1; depth <= parts.length; depth++) {
    const folder = sep + parts.slice(0, depth).join(sep);
    if (!canPass(folder, user)) return folder;
  }
  return nearest;
}
