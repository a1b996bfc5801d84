import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { environmentDocumentation } from '../../src/config/environment';
import { killAtExit } from './exit-cleanup';
import type { ExitStatus } from './owned-processes';

/**
 * The real server as a separate process, started the way `npm start` starts it:
 * `node -r ts-node/register/transpile-only src/main.ts` from the repository root.
 *
 * Every process started here is remembered until it has exited: `killAllServers()` (for an
 * afterEach) SIGKILLs whatever is left, and support/exit-cleanup.ts does the same if jest's
 * worker goes away first, so a failing test never leaves a server running.
 */

const REPO_ROOT = resolve(__dirname, '../..');
const LISTENING = /^Server listening at (http:\/\/\S+)$/;

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export interface ServerProcess {
  readonly pid: number;
  /** http://127.0.0.1:<port>, from the "Server listening at" log line (only after startServer). */
  readonly url: string;
  /** Resolves once the process has exited and its output is read. */
  readonly exit: Promise<ExitStatus>;
  /** The exit code (null when a signal ended it). */
  readonly exitCode: Promise<number | null>;
  hasExited(): boolean;
  stdout(): string;
  stderr(): string;
  /** stdout parsed as pino's JSON lines (lines that are not JSON are skipped). */
  logs(): LogLine[];
  /** Resolves with the first log line matching, or rejects after timeoutMs / when the process exits. */
  waitForLog(matches: (line: LogLine) => boolean, what: string, timeoutMs?: number): Promise<LogLine>;
  signal(signal: NodeJS.Signals): void;
  /** SIGKILL, and wait for the exit. Safe to call when it already exited. */
  kill(): Promise<ExitStatus>;
}

const running = new Set<ChildProcess>();

/**
 * The environment the server reads, without any of its variables inherited from this process:
 * its own, and OpenTelemetry's (a developer's OTEL_EXPORTER_OTLP_ENDPOINT would trace every spec).
 */
function cleanEnvironment(): NodeJS.ProcessEnv {
  const serverVariables = new Set(Object.keys(environmentDocumentation));
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !serverVariables.has(name) && !name.startsWith('OTEL_')));
}

export interface SpawnOptions {
  /** The clone to start it from (default: this repository). */
  cwd?: string;
}

/** Spawns the server; does not wait for anything (see startServer). */
export function spawnServer(env: Record<string, string>, { cwd = REPO_ROOT }: SpawnOptions = {}): ServerProcess {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts'], {
    cwd,
    env: { ...cleanEnvironment(), HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  killAtExit(child);
  let stdout = '';
  let stderr = '';
  let url = '';
  let exited = false;
  const parsed: LogLine[] = [];
  const logWaiters = new Set<() => void>();

  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      try {
        const log = JSON.parse(line) as LogLine;
        parsed.push(log);
        const listening = typeof log.msg === 'string' && LISTENING.exec(log.msg);
        if (listening && !url) url = listening[1]!;
      } catch {
        // not a log line
      }
    }
    for (const wake of logWaiters) wake();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });

  const streamsClosed = Promise.all([child.stdout, child.stderr].map((stream) => new Promise<void>((done) => stream.once('close', done))));
  const exit = new Promise<ExitStatus>((resolveExit) => {
    child.once('exit', (code, signal) => {
      exited = true;
      running.delete(child);
      for (const wake of logWaiters) wake();
      // The output written just before the exit is still in the pipes: read it, but never
      // hang on a pipe some grandchild might hold open.
      const grace = new Promise((done) => setTimeout(done, 1_000).unref());
      void Promise.race([streamsClosed, grace]).then(() => resolveExit({ code, signal }));
    });
  });

  const server: ServerProcess = {
    pid: child.pid!,
    get url() {
      return url;
    },
    exit,
    exitCode: exit.then(({ code }) => code),
    hasExited: () => exited,
    stdout: () => stdout,
    stderr: () => stderr,
    logs: () => [...parsed],
    waitForLog(matches, what, timeoutMs = 10_000) {
      return new Promise<LogLine>((resolveLog, reject) => {
        const check = () => {
          const found = parsed.find(matches);
          if (found) finish(() => resolveLog(found));
          else if (exited) finish(() => reject(new Error(`the server exited before logging ${what}\n${describeOutput(server)}`)));
        };
        const timer = setTimeout(
          () => finish(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${describeOutput(server)}`))),
          timeoutMs,
        );
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          logWaiters.delete(check);
          settle();
        };
        logWaiters.add(check);
        check();
      });
    },
    signal(signal) {
      if (!exited) child.kill(signal);
    },
    async kill() {
      if (!exited) child.kill('SIGKILL');
      return exit;
    },
  };
  return server;
}

/** `npm run <script>` in a clone, with the server's environment as for spawnServer; resolves when it ends. */
export function runNpmScript(
  script: string,
  env: Record<string, string>,
  { cwd = REPO_ROOT }: SpawnOptions = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      'npm',
      ['run', '--silent', script],
      { cwd, env: { ...cleanEnvironment(), ...env }, timeout: 60_000 },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Spawns the server and waits until it listens; kills it and rejects if it does not within timeoutMs. */
export async function startServer(env: Record<string, string>, timeoutMs = 60_000, options: SpawnOptions = {}): Promise<ServerProcess> {
  const server = spawnServer(env, options);
  try {
    await server.waitForLog((line) => LISTENING.test(line.msg), '"Server listening at"', timeoutMs);
    return server;
  } catch (error) {
    await server.kill();
    throw error;
  }
}

/** SIGKILLs every server process still running; for afterEach / afterAll. */
export async function killAllServers(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((done) => {
          if (child.exitCode !== null || child.signalCode !== null) {
            done();
            return;
          }
          child.once('exit', () => done());
          child.kill('SIGKILL');
        }),
    ),
  );
}

/** The output of a server, for failure messages. */
export function describeOutput(server: ServerProcess): string {
  return `--- stdout (pid ${server.pid}) ---\n${server.stdout()}\n--- stderr ---\n${server.stderr()}`;
}

/** Resolves with the exit, or rejects once `ms` have passed, with what the process printed. */
export async function exitWithin(server: ServerProcess, ms: number): Promise<ExitStatus> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the server did not exit within ${ms} ms\n${describeOutput(server)}`)), ms);
  });
  try {
    return await Promise.race([server.exit, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
