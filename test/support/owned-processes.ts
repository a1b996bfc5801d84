import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { killAtExit } from './exit-cleanup';
import { unprivilegedUser } from './unprivileged-user';

/**
 * Children of the test that run as the unprivileged user (PostgreSQL, its tools, PgBouncer), in
 * the foreground, with their output kept for waiting on and for failure messages.
 *
 * No orphans, whatever happens to the test process: they are started through
 * `setpriv --pdeathsig`, so the kernel signals them when the process that started them dies
 * (even by SIGKILL); a normal exit without teardown SIGKILLs them (support/exit-cleanup.ts).
 */

const SETPRIV = '/usr/bin/setpriv';
const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const OUTPUT_LIMIT = 256 * 1024;

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child process of the test, running as the unprivileged user. */
export interface OwnedProcess {
  readonly pid: number;
  /** Settles (never rejects) once the process has exited and been reaped. */
  readonly exited: Promise<ExitStatus>;
  hasExited(): boolean;
  /** Its stdout and stderr so far (the last 256 kB). */
  output(): string;
  /**
   * Resolves once the output matches `pattern`; rejects, with the output, when the process exits
   * first or `timeoutMs` passes. Event-driven: no polling.
   */
  waitForOutput(pattern: RegExp, what: string, timeoutMs: number): Promise<void>;
  /** Sends `signal`, SIGKILL after `graceMs` if it is still there, and resolves once it has exited. */
  stop(signal: NodeJS.Signals, graceMs?: number): Promise<ExitStatus>;
}

/**
 * Spawns `command` in the foreground as a child of this process, as the unprivileged user, with
 * a clean environment (no PG* variables of the caller leak in). `deathSignal` is what the kernel
 * sends it if this process dies without stopping it (setpriv --pdeathsig, set after the switch
 * of user, so it survives it).
 */
export function spawnOwned(command: string, args: string[], deathSignal: NodeJS.Signals = 'SIGKILL'): OwnedProcess {
  const ids = unprivilegedUser();
  // The command's own folder first: a tool that runs its siblings (initdb runs postgres) finds the same version.
  const env = { PATH: `${dirname(command)}:${SYSTEM_PATH}`, LANG: 'C', LC_ALL: 'C', ...(process.env.TZ && { TZ: process.env.TZ }) };
  // In `/`, which every user may enter: the clone may sit in a folder the unprivileged user cannot
  // (root's home is mode 700), and HAProxy, for one, refuses to start where it cannot return.
  const cwd = '/';
  let child: ChildProcess;
  if (existsSync(SETPRIV)) {
    const user = ids ? [`--reuid=${ids.uid}`, `--regid=${ids.gid}`, '--clear-groups'] : [];
    // setpriv execs the command: the child's pid is the command's own (signals reach it directly).
    child = spawn(SETPRIV, [...user, `--pdeathsig=${deathSignal.replace(/^SIG/, '')}`, '--', command, ...args], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } else {
    child = spawn(command, args, { ...ids, cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  }
  killAtExit(child);

  let output = '';
  let exitStatus: ExitStatus | undefined;
  const listeners = new Set<() => void>();
  const onOutput = (chunk: string) => {
    output += chunk;
    if (output.length > OUTPUT_LIMIT) output = output.slice(-OUTPUT_LIMIT);
    for (const listener of listeners) listener();
  };
  // Always drain both pipes: a child blocked on a full stderr pipe would hang.
  child.stdout!.setEncoding('utf8').on('data', onOutput);
  child.stderr!.setEncoding('utf8').on('data', onOutput);

  const exited = new Promise<ExitStatus>((resolve) => {
    const done = (status: ExitStatus) => {
      if (exitStatus) return;
      exitStatus = status;
      for (const listener of listeners) listener();
      resolve(status);
    };
    // 'close' (pipes drained, so output() is complete) follows 'exit' unless a grandchild that
    // outlived it still holds the pipes (the orphaned backends of a SIGKILLed postmaster): wait
    // for it, but only so long.
    const closed = new Promise<void>((drained) => child.once('close', () => drained()));
    child.once('exit', (code, signal) => {
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((later) => (timer = setTimeout(later, 2_000)));
      void Promise.race([closed, bound]).then(() => {
        clearTimeout(timer);
        done({ code, signal });
      });
    });
    child.once('error', (error) => {
      onOutput(`\nspawn ${command} failed: ${error.message}\n`);
      done({ code: null, signal: null });
    });
  });

  return {
    pid: child.pid ?? -1,
    exited,
    hasExited: () => exitStatus !== undefined,
    output: () => output,

    waitForOutput(pattern, what, timeoutMs) {
      return new Promise<void>((resolve, reject) => {
        const finish = (error?: Error) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (error) reject(error);
          else resolve();
        };
        const check = () => {
          if (pattern.test(output)) finish();
          else if (exitStatus) finish(new Error(`${command} exited (${describeExit(exitStatus)}) before ${what}:\n${output}`));
        };
        const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${what}:\n${output}`)), timeoutMs);
        listeners.add(check);
        check();
      });
    },

    async stop(signal, graceMs = 10_000) {
      if (exitStatus) return exitStatus;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function describeExit(status: ExitStatus): string {
  return status.signal ? `signal ${status.signal}` : `code ${status.code}`;
}

/** Runs a command to completion as the unprivileged user; rejects with its output unless it exits 0. */
export async function runOwned(command: string, args: string[], timeoutMs = 60_000): Promise<string> {
  const child = spawnOwned(command, args, 'SIGKILL');
  const timer = setTimeout(() => void child.stop('SIGKILL'), timeoutMs);
  try {
    const status = await child.exited;
    if (status.code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${describeExit(status)}):\n${child.output()}`);
    return child.output();
  } finally {
    clearTimeout(timer);
  }
}
