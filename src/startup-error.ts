/**
 * A start-up failure the user can fix: a bad setting, a port in use, a data directory the
 * database cannot use. main.ts prints its message as one line on stderr and exits with code 1,
 * with no stack trace; the message names the cause and what to change.
 */
export class StartupError extends Error {
  override name = 'StartupError';
}
