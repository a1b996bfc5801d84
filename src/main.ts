import 'reflect-metadata';
import { startApp, type App } from './app';
import { loadConfig } from './config/config';
import { createLogger, type Logger } from './observability/logger';
import { StartupError } from './startup-error';

/** The process: configuration, the app, and an orderly stop on SIGTERM / SIGINT. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel, { pretty: config.nodeEnv === 'development' && process.stdout.isTTY });
  // A stray rejection from a library is logged, not fatal: the database's own failures are all
  // handled where they happen, and one missed promise must not take every request down with it.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
  // Listening for signals from the first moment: a signal during start-up (the embedded
  // PostgreSQL initialising, say) stops the app as soon as it has started, instead of killing
  // the process and orphaning that PostgreSQL.
  let app: App | undefined;
  let stopRequested: NodeJS.Signals | undefined;
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping || stopRequested) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    if (!app) {
      stopRequested = signal;
      logger.info({ signal }, 'stop requested during start-up: stopping once started');
      return;
    }
    stopping = true;
    logger.info({ signal }, 'shutting down: refusing new requests, finishing in-flight ones');
    // The last resort if closing itself hangs: the deadline plus a grace period.
    setTimeout(() => process.exit(1), config.http.shutdownTimeoutMs + 5_000).unref();
    stopWithin(config.http.shutdownTimeoutMs, app, logger).then(
      () => {
        logger.info('stopped');
        exitAfterLogs(logger, 0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        exitAfterLogs(logger, 1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);

  app = await startApp(config, logger);
  if (stopRequested) {
    const signal = stopRequested;
    stopRequested = undefined;
    shutdown(signal);
  }
}

/**
 * Ends the process once the last log lines are out: the pretty transport writes from a worker
 * thread, which an immediate process.exit() would cut short. Usually nothing else is left and
 * the process ends by itself; a socket a cut request left behind gets a moment, then the exit.
 */
function exitAfterLogs(logger: Logger, code: number): void {
  process.exitCode = code;
  logger.flush();
  setTimeout(() => process.exit(code), 200).unref();
}

/** Requests still running at the deadline are cut, so a stuck client cannot hold the process. */
async function stopWithin(timeoutMs: number, app: App, logger: Logger): Promise<void> {
  const deadline = setTimeout(() => {
    logger.warn({ timeoutMs }, 'shutdown deadline passed: cutting the remaining requests and their queries');
    app.http.server.closeAllConnections();
    app.database.pool.abortQueries();
  }, timeoutMs);
  try {
    await app.stop();
  } finally {
    clearTimeout(deadline);
  }
}

main().catch((error: unknown) => {
  // A failure the user can fix is one clear line; anything else is a bug and keeps its stack.
  console.error(error instanceof StartupError ? error.message : error);
  process.exit(1);
});
