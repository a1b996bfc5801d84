import { GraphQLError } from 'graphql';

/**
 * The errors a client can act on, each with its `extensions.code`. Anything else that escapes a
 * resolver is unexpected and is masked by the server (see graphql/format-error.ts).
 */
export const ErrorCode = {
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  INVALID_STATUS_TRANSITION: 'INVALID_STATUS_TRANSITION',
} as const;

export class BadUserInputError extends GraphQLError {
  constructor(message: string, argument?: string) {
    super(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, ...(argument && { argument }) } });
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
