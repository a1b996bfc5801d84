import pino from 'pino';

export type Logger = pino.Logger;

/** Structured JSON logs on stdout; secrets that could reach a log line are redacted. */
export function createLogger(level: pino.LevelWithSilent): Logger {
  return pino({
    level,
    base: { service: 'interview-sessions-api' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.password'], censor: '***' },
  });
}
