import 'reflect-metadata';
import { startApp } from './app';
import { ConfigError, loadConfig } from './config/config';
import { createLogger, type Logger } from './observability/logger';

/** The process: configuration, the app, and an orderly stop on SIGTERM / SIGINT. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const app = await startApp(config, logger);

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: refusing new requests, finishing in-flight ones');
    stopWithin(config.http.shutdownTimeoutMs, app, logger).then(
      () => logger.info('stopped'),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exitCode = 1;
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

/** Requests still running at the deadline are cut, so a stuck client cannot hold the process. */
async function stopWithin(timeoutMs: number, app: Awaited<ReturnType<typeof startApp>>, logger: Logger): Promise<void> {
  const deadline = setTimeout(() => {
    logger.warn({ timeoutMs }, 'shutdown deadline passed: closing the remaining connections');
    app.http.server.closeAllConnections();
  }, timeoutMs);
  try {
    await app.stop();
  } finally {
    clearTimeout(deadline);
  }
}

main().catch((error: unknown) => {
  // A bad configuration is one clear line; anything else keeps its stack for the operator.
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
