import { GraphQLError } from 'graphql';

/**
 * The errors a client can act on, each with its `extensions.code`. Anything else that escapes a
 * resolver is unexpected and is masked by the server (see graphql/format-error.ts).
 */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  INVALID_STATUS_TRANSITION: 'INVALID_STATUS_TRANSITION',
  DATABASE_UNAVAILABLE: 'DATABASE_UNAVAILABLE',
} as const;

export class BadUserInputError extends GraphQLError {
  /** `cause` stays on the server (originalError) for the logs. */
  constructor(message: string, argument?: string, cause?: unknown) {
    super(message, {
      originalError: cause instanceof Error ? cause : undefined,
      extensions: { code: ErrorCode.BAD_USER_INPUT, ...(argument && { argument }) },
    });
  }
}

export class NotFoundError extends GraphQLError {
  constructor(what: string, id: string) {
    super(`${what} ${id} does not exist`, { extensions: { code: ErrorCode.NOT_FOUND } });
  }
}

export class InvalidStatusTransitionError extends GraphQLError {
  constructor(from: string, action: string) {
    super(`A session that is ${from} cannot be ${action}`, {
      extensions: { code: ErrorCode.INVALID_STATUS_TRANSITION, status: from },
    });
  }
}

/** Seconds a client should wait before retrying while the database is unavailable. */
export const DATABASE_RETRY_AFTER_SECONDS = 1;

/**
 * The database could not be reached or did not answer in time: HTTP 503 with Retry-After,
 * through Apollo's own `extensions.http`. The message names no host, port, SQL or driver text.
 */
export class DatabaseUnavailableError extends GraphQLError {
  /** `cause` stays on the server (originalError) for the logs; clients never see it. */
  constructor(cause: unknown) {
    super('The database is unavailable right now; retry later', {
      originalError: cause instanceof Error ? cause : undefined,
      extensions: {
        code: ErrorCode.DATABASE_UNAVAILABLE,
        http: { status: 503, headers: new Map([['retry-after', String(DATABASE_RETRY_AFTER_SECONDS)]]) },
      },
    });
  }
}
