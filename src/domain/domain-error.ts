import { ErrorCode } from '../error-codes';

/**
 * A broken rule of the data, in the domain's own words: what was asked cannot be done, and the
 * client can tell why. It knows nothing of GraphQL or HTTP; graphql/client-errors.ts decides how
 * a client sees it. Feature folders add their own (e.g. an invalid status transition).
 */
export abstract class DomainError extends Error {
  /** Stable and machine-readable: clients branch on it (GraphQL: `extensions.code`). */
  abstract readonly code: ErrorCode;

  /** Facts a client may act on, shown beside the code (e.g. the argument that was wrong). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.details = details;
  }
}

/** Input a client can fix: a malformed id, a value out of range, a cursor this API did not issue. */
export class InvalidInputError extends DomainError {
  readonly code = ErrorCode.BAD_USER_INPUT;

  /** `argument` names the argument (or input field) at fault; `cause` stays on the server, for the logs. */
  constructor(message: string, argument?: string, options?: ErrorOptions) {
    super(message, argument ? { argument } : {}, options);
  }
}

/** The thing to change does not exist. */
export class NotFoundError extends DomainError {
  readonly code = ErrorCode.NOT_FOUND;

  constructor(what: string, id: string) {
    super(`${what} ${id} does not exist`);
  }
}

/**
 * The client's copy is stale: what it wanted to change has changed since it read it (or is
 * gone). `currentVersion` lets it read again and decide; null when there is nothing left.
 */
export class VersionConflictError extends DomainError {
  readonly code = ErrorCode.VERSION_CONFLICT;

  constructor(what: string, expectedVersion: number, currentVersion: number | null) {
    super(
      currentVersion === null
        ? `${what} no longer exists (expected version ${expectedVersion})`
        : `${what} is at version ${currentVersion}, not ${expectedVersion}: read it again`,
      { currentVersion },
    );
  }
}
