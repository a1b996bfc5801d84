import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { chown, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { StartupError } from '../../startup-error';
import type { PostgresBinaries } from './binaries';
import { firstBlockedFolder, type OsUser } from './os-user';
import { explainFailure, explainSpawnError } from './postgres-output';

export const DEFAULT_DATA_DIR = './.data';

export interface DataDirectoryOptions {
  /** DATA_DIR when it is set: used as given, or refused with a clear line. */
  dataDir?: string;
  /** What an unset DATA_DIR means (./.data for the server, another folder for the tests). */
  defaultDataDir?: string;
  systemDir: string;
}

/**
 * The folder the embedded PostgreSQL keeps its data in. As root it runs as the OS user
 * `postgres`, which must be able to reach it: when the default folder (./.data, inside the
 * clone) is out of its reach, the data lives in EMBEDDED_PG_SYSTEM_DIR instead, in a folder
 * named after the default one's path (one per clone, the same at every start). A DATA_DIR
 * the user chose is never moved: out of reach, it is a start-up error that says what to do.
 */
export function embeddedDataDir(options: DataDirectoryOptions, user: OsUser | undefined): string {
  const wanted = resolve(options.dataDir ?? options.defaultDataDir ?? DEFAULT_DATA_DIR);
  const blocked = user && firstBlockedFolder(wanted, user);
  if (!blocked) return wanted;
  const fallback = join(options.systemDir, `data-${createHash('sha256').update(wanted).digest('hex').slice(0, 12)}`);
  if (options.dataDir === undefined) return fallback;
  throw new StartupError(
    `DATA_DIR ${wanted} cannot be reached by the OS user ${user.name}, which runs the embedded PostgreSQL as root ` +
      `(${blocked} does not let it in): set DATA_DIR to a folder it can reach, or leave DATA_DIR unset to use ${fallback}.`,
  );
}

/** True once initdb has run there. */
export function isInitialised(dataDir: string): boolean {
  return existsSync(join(dataDir, 'PG_VERSION'));
}

/**
 * initdb on first use: an empty or new folder becomes a PostgreSQL data directory owned by the
 * user PostgreSQL runs as, with one password-protected superuser.
 */
export async function initialiseDataDir(
  binaries: PostgresBinaries,
  dataDir: string,
  user: OsUser | undefined,
  superuser: { name: string; password: string },
): Promise<void> {
  await assertUsableFolder(dataDir);
  // The folders above it keep the usual mode, so that the OS user PostgreSQL runs as can reach
  // it (a recursive mkdir would give each the data directory's 0700, owned by root).
  await mkdir(dirname(dataDir), { recursive: true });
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const scratch = await mkdtemp(join(tmpdir(), 'embedded-pg-init-'));
  try {
    const passwordFile = join(scratch, 'password');
    await writeFile(passwordFile, `${superuser.password}\n`, { mode: 0o600 });
    if (user) await Promise.all([dataDir, scratch, passwordFile].map((path) => chown(path, user.uid, user.gid)));
    await run(
      binaries.initdb,
      [
        `--pgdata=${dataDir}`,
        '--auth=scram-sha-256',
        `--username=${superuser.name}`,
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        '--locale=C',
      ],
      user,
    ).catch((error: unknown) => {
      if (!(error instanceof InitdbFailed)) throw explainSpawnError(error, binaries);
      throw explainFailure(`Initialising the embedded PostgreSQL in ${dataDir} failed`, error.message, binaries);
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function assertUsableFolder(dataDir: string): Promise<void> {
  if (!existsSync(dataDir)) return;
  if (!statSync(dataDir).isDirectory()) throw new StartupError(`DATA_DIR ${dataDir} is a file, not a folder: set DATA_DIR to a folder.`);
  const entries = await readdir(dataDir).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new StartupError(`DATA_DIR ${dataDir} cannot be read (${code}): fix its permissions, or set DATA_DIR to another folder.`);
  });
  if (entries.length > 0) {
    throw new StartupError(`DATA_DIR ${dataDir} is not empty and holds no PostgreSQL data: set DATA_DIR to a new or empty folder.`);
  }
}

class InitdbFailed extends Error {}

function run(command: string, args: string[], user: OsUser | undefined): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, {
      ...(user && { uid: user.uid, gid: user.gid }),
      env: { ...process.env, LC_ALL: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: string) => (output += chunk);
    child.stdout.setEncoding('utf8').on('data', collect);
    child.stderr.setEncoding('utf8').on('data', collect);
    child.once('error', fail);
    child.once('close', (code) => (code === 0 ? done(output) : fail(new InitdbFailed(output))));
  });
}
