import { execFile } from 'node:child_process';
import { chmod, cp, mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const REPO_ROOT = resolve(__dirname, '../..');
/** What `npm start` and `npm run embedded:clean` read from a clone. */
const SOURCES = ['src', 'package.json', 'tsconfig.json', 'mikro-orm.config.ts'];

export interface PrivateClone {
  /** The clone: a folder inside a mode-700 folder, as under root's home in a container image. */
  dir: string;
  remove(): Promise<void>;
}

/**
 * A copy of this project inside a folder only its owner (root) may enter, as a user who clones
 * into root's home gets. node_modules is hard-linked, not copied: it takes a second and no space,
 * and its files sit at paths the OS user postgres cannot reach, exactly like a real clone's.
 * (Where node_modules is a link, as in a git worktree, its target is linked: a copied link would
 * point the clone back at a folder postgres can reach.)
 */
export async function makePrivateClone(): Promise<PrivateClone> {
  const home = await mkdtemp(join(tmpdir(), 'private-home-'));
  await chmod(home, 0o700);
  const dir = join(home, 'interview-sessions-api');
  await Promise.all(SOURCES.map((name) => cp(join(REPO_ROOT, name), join(dir, name), { recursive: true })));
  await promisify(execFile)('cp', ['-al', await realpath(join(REPO_ROOT, 'node_modules')), join(dir, 'node_modules')]);
  return { dir, remove: () => rm(home, { recursive: true, force: true }) };
}
