import 'reflect-metadata';
import { startApp, type App } from './app';
import { loadConfig, type Config } from './config/config';
import { createLogger, type Logger } from './observability/logger';
import { startTracing, type Tracing } from './tracing/tracing';
import { StartupError } from './startup-error';

/** The process: configuration, the app, and an orderly stop on SIGTERM / SIGINT. */
async function main(): Promise<void> {
  const config = loadConfig();
  // Before the logger, whose lines then carry the trace they were written in, and before the app.
  const tracing = startTracing();
  const logger = createLogger(config.logLevel, {
    pretty: config.nodeEnv === 'development' && process.stdout.isTTY,
    mixin: tracing?.logFields,
  });
  // A stray rejection from a library is logged, not fatal: the database's own failures are all
  // handled where they happen, and one missed promise must not take every request down with it.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));

  const app = startApp(config, logger, tracing);
  // Signals are handled from the first moment: one during start-up (the embedded PostgreSQL
  // initialising, say) stops the app as soon as it has started, instead of killing the process
  // and orphaning that PostgreSQL. A second signal ends the process at once (exit 1), drain or
  // not: Ctrl-C twice.
  let started = false;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    // No load balancer can have taken an instance in that was not started yet: no drain then.
    const drainDelayMs = started ? config.http.shutdownDrainDelayMs : 0;
    if (!started) logger.info({ signal }, 'stop requested during start-up: stopping once started');
    // A start that fails is reported by main()'s caller.
    app.then(
      (running) => stop(running, tracing, signal, drainDelayMs, config, logger),
      () => undefined,
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  await app;
  started = true;
}

/**
 * Drains for `drainDelayMs` (readiness 503, every request still served), then stops the app
 * within SHUTDOWN_TIMEOUT_MS, sends the last spans, then ends the process: 0 when all went well.
 */
function stop(app: App, tracing: Tracing | undefined, signal: NodeJS.Signals, drainDelayMs: number, config: Config, logger: Logger): void {
  // The last resort if closing itself hangs: the drain, the deadline, then a grace period.
  setTimeout(() => process.exit(1), drainDelayMs + config.http.shutdownTimeoutMs + 5_000).unref();
  app.drain();
  if (drainDelayMs > 0) logger.info({ signal, drainDelayMs }, 'draining: /health/ready answers 503, requests are still served');
  const drained = drainDelayMs > 0 ? new Promise((done) => setTimeout(done, drainDelayMs)) : Promise.resolve();
  void drained
    .then(() => {
      logger.info({ signal }, 'shutting down: refusing new requests, finishing in-flight ones');
      return stopWithin(config.http.shutdownTimeoutMs, app, logger);
    })
    .then(() => flushSpans(tracing, logger))
    .then(
      () => {
        logger.info('stopped');
        exitAfterLogs(logger, 0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        exitAfterLogs(logger, 1);
      },
    );
}

/** Requests still running at the deadline are cut, so a stuck client cannot hold the process. */
async function stopWithin(timeoutMs: number, app: App, logger: Logger): Promise<void> {
  const deadline = setTimeout(() => {
    logger.warn({ timeoutMs }, 'shutdown deadline passed: cutting the remaining requests and their queries');
    app.http.server.closeAllConnections();
    void app.database.pool.abortQueries();
  }, timeoutMs);
  try {
    await app.stop();
  } finally {
    clearTimeout(deadline);
  }
}

/** How long the last spans may take to leave at the stop: a collector that is away must not hold the exit. */
const SPAN_FLUSH_TIMEOUT_MS = 2_000;

async function flushSpans(tracing: Tracing | undefined, logger: Logger): Promise<void> {
  if (!tracing) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((done) => (timer = setTimeout(() => done('timeout'), SPAN_FLUSH_TIMEOUT_MS)));
  try {
    const flushed = await Promise.race([tracing.shutdown(), timeout]);
    if (flushed === 'timeout') logger.warn({ timeoutMs: SPAN_FLUSH_TIMEOUT_MS }, 'the last spans could not be sent in time');
  } catch (error) {
    logger.warn({ err: error }, 'the last spans could not be sent');
  } finally {
    clearTimeout(timer);
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

main().catch((error: unknown) => {
  // A failure the user can fix is one clear line; anything else is a bug and keeps its stack.
  console.error(error instanceof StartupError ? error.message : error);
  process.exit(1);
});
