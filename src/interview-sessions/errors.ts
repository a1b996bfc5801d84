import { DomainError } from '../domain/domain-error';
import { ErrorCode } from '../error-codes';

/** e.g. completing a session that never started; `status` is where the session is now. */
export class InvalidStatusTransitionError extends DomainError {
  readonly code = ErrorCode.INVALID_STATUS_TRANSITION;

  constructor(status: string, action: string) {
    super(`A session that is ${status} cannot be ${action}`, { status });
  }
}
