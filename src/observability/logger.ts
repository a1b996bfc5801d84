import pino from 'pino';
import { SERVICE_NAME } from '../service-name';

export type Logger = pino.Logger;

/**
 * Structured JSON logs on stdout; in development at a terminal, pretty lines instead.
 * Secrets that could reach a log line are redacted.
 *
 * Lines are written asynchronously: a line per request, written synchronously, would cost a
 * system call each; buffered, the writes gather. Whatever is buffered is written when the
 * process exits, however it exits.
 */
export function createLogger(
  level: pino.LevelWithSilent,
  {
    pretty = false,
    destination,
    mixin,
  }: {
    pretty?: boolean;
    destination?: pino.DestinationStream;
    /** Fields added to every line, e.g. the trace and span of the request it is about. */
    mixin?: () => object;
  } = {},
): Logger {
  const options: pino.LoggerOptions = {
    level,
    ...(mixin && { mixin }),
    base: { service: SERVICE_NAME },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Exact paths only: a wildcard makes the redactor copy every object of every line it logs,
    // the per-request line included.
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'headers.cookie', 'password', 'DATABASE_URL'],
      censor: '***',
    },
  };
  if (pretty) return pino({ ...options, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } } });
  // pino flushes an asynchronous destination when the process exits, however it exits.
  return pino(options, destination ?? pino.destination({ dest: 1, sync: false }));
}
