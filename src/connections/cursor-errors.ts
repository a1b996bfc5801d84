import { InvalidInputError } from '../domain/domain-error';

/** A cursor this API did not issue: made up, edited or truncated by the client. */
export class InvalidCursorError extends InvalidInputError {
  constructor(argument: string) {
    super(`"${argument}" is not a cursor this API issued`, argument);
  }
}

/** A cursor this API issued for another order, filter or parent: it is no position in this list. */
export class CursorMismatchError extends InvalidInputError {
  constructor(argument: string) {
    super(`"${argument}" is a cursor of another order or filter: ask for the first page again`, argument);
  }
}
