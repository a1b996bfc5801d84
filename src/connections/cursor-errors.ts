import { InvalidInputError } from '../domain/domain-error';

/** A cursor this API did not issue: made up, edited or truncated by the client. */
export class InvalidCursorError extends InvalidInputError {
  constructor(argument: string) {
    super(`"${argument}" is not a cursor this API issued`, argument);
  }
}
