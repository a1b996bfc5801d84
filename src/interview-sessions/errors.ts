import { DomainError, InvalidInputError } from '../domain/domain-error';
import { ErrorCode } from '../error-codes';

/** e.g. completing a session that never started; `status` is where the session is now. */
export class InvalidStatusTransitionError extends DomainError {
  readonly code = ErrorCode.INVALID_STATUS_TRANSITION;

  constructor(status: string, action: string) {
    super(`A session that is ${status} cannot be ${action}`, { status });
  }
}

/** A cursor this API did not issue: made up, edited or truncated by the client. */
export class InvalidCursorError extends InvalidInputError {
  constructor(argument: string) {
    super(`"${argument}" is not a cursor this API issued`, argument);
  }
}
