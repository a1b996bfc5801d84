import pino from 'pino';

export type Logger = pino.Logger;

/**
 * Structured JSON logs on stdout; in development at a terminal, pretty lines instead.
 * Secrets that could reach a log line are redacted.
 */
export function createLogger(
  level: pino.LevelWithSilent,
  { pretty = false, destination }: { pretty?: boolean; destination?: pino.DestinationStream } = {},
): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'interview-sessions-api' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.DATABASE_URL'], censor: '***' },
    ...(pretty && { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } } }),
  };
  return destination ? pino(options, destination) : pino(options);
}
