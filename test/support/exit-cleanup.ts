import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

/**
 * The last resort for a test process that exits without its teardown (a failed beforeAll, a
 * worker jest tears down): no child it started and no folder it owns survives it. Children are
 * killed before folders are removed, so nothing writes into a folder being removed.
 */

const children = new Set<ChildProcess>();
const folders = new Set<string>();
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  process.once('exit', () => {
    for (const child of children) child.kill('SIGKILL');
    for (const folder of folders) {
      try {
        rmSync(folder, { recursive: true, force: true });
      } catch {
        // best effort: a SIGKILLed server may still be going away
      }
    }
  });
}

/** SIGKILLs `child` when this process exits while the child still runs. */
export function killAtExit(child: ChildProcess): void {
  install();
  children.add(child);
  const forget = () => children.delete(child);
  child.once('exit', forget);
  child.once('error', forget);
}

/** Removes `folder` when this process exits before the test removed it (see forgetAtExit). */
export function removeAtExit(folder: string): void {
  install();
  folders.add(folder);
}

/** The test removed `folder`: nothing left to do for it at exit. */
export function forgetAtExit(folder: string): void {
  folders.delete(folder);
}
