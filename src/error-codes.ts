/**
 * Every `errors[].extensions.code` a client of this API can see, in one place: the code is the
 * contract clients branch on. The README's table of codes lists the same (a unit spec compares
 * them). A new code is a line here, a row there, and a line in the CHANGELOG.
 */
export const ErrorCode = {
  // What the client asked cannot be done as asked.
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  INVALID_STATUS_TRANSITION: 'INVALID_STATUS_TRANSITION',
  VERSION_CONFLICT: 'VERSION_CONFLICT',

  // Idempotency-Keys (docs/retrying.md).
  IDEMPOTENCY_KEY_IN_USE: 'IDEMPOTENCY_KEY_IN_USE',
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  IDEMPOTENCY_KEY_REQUIRED: 'IDEMPOTENCY_KEY_REQUIRED',

  // The database could not serve the request.
  DATABASE_UNAVAILABLE: 'DATABASE_UNAVAILABLE',
  DATABASE_MISCONFIGURED: 'DATABASE_MISCONFIGURED',
  QUERY_TIMED_OUT: 'QUERY_TIMED_OUT',
  /** A deadlock or a serialization failure: PostgreSQL rolled the writes back; sending them again is safe. */
  TRANSACTION_CONFLICT: 'TRANSACTION_CONFLICT',
  EXPENSIVE_READS_BUSY: 'EXPENSIVE_READS_BUSY',

  // Who is asking, and what they may do.
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  FORBIDDEN: 'FORBIDDEN',
  AUTHENTICATION_UNAVAILABLE: 'AUTHENTICATION_UNAVAILABLE',

  // The document itself (Apollo Server's codes).
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  OPERATION_RESOLUTION_FAILURE: 'OPERATION_RESOLUTION_FAILURE',
  PERSISTED_QUERY_NOT_SUPPORTED: 'PERSISTED_QUERY_NOT_SUPPORTED',
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',

  // Trusted documents and budgets (docs/trusted-documents-and-budgets.md).
  /** TRUSTED_DOCUMENTS=enforce: a document sent as text that is not one of the manifest's. */
  PERSISTED_QUERY_NOT_IN_LIST: 'PERSISTED_QUERY_NOT_IN_LIST',
  /** The operation would have overdrawn its client's cost budget. */
  RATE_LIMITED: 'RATE_LIMITED',

  // A limit, refused before anything runs.
  QUERY_TOO_DEEP: 'QUERY_TOO_DEEP',
  TOO_MANY_ALIASES: 'TOO_MANY_ALIASES',
  QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
  QUERY_TOO_LARGE: 'QUERY_TOO_LARGE',
  REQUEST_TOO_LARGE: 'REQUEST_TOO_LARGE',

  // The HTTP request, before GraphQL.
  BAD_REQUEST: 'BAD_REQUEST',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  NOT_ACCEPTABLE: 'NOT_ACCEPTABLE',
  REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
  /** More GraphQL requests in flight than HTTP_MAX_IN_FLIGHT: 503 with Retry-After, before anything is read. */
  OVERLOADED: 'OVERLOADED',

  /** Anything unexpected: the detail is in the log, under the request id the client gets. */
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
