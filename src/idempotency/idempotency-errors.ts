import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../error-codes';

/** Seconds a client should wait before it sends again a request whose key another one holds. */
export const KEY_IN_USE_RETRY_AFTER_SECONDS = 1;

const refusal = (message: string, code: ErrorCode, status: number, headers: [string, string][] = []) =>
  new GraphQLError(message, { extensions: { code, http: { status, headers: new HeaderMap(headers) } } });

/** IDEMPOTENCY_KEY_REQUIRED=true, and a mutation came without a key. */
export const keyRequired = () =>
  refusal('This server asks every mutation for an Idempotency-Key header', ErrorCode.IDEMPOTENCY_KEY_REQUIRED, 400);

/** The request that holds the key is still running, on this instance or another. */
export const keyInUse = () =>
  refusal('A request with this Idempotency-Key is still running; retry later', ErrorCode.IDEMPOTENCY_KEY_IN_USE, 409, [
    ['retry-after', String(KEY_IN_USE_RETRY_AFTER_SECONDS)],
  ]);

/** Variables nested deeper than any input of the schema: fingerprinting them would only cost. */
export const variablesTooDeep = (maxDepth: number) =>
  refusal(`Variables nest deeper than ${maxDepth} levels`, ErrorCode.BAD_USER_INPUT, 400);

/** The key answered another request (another document, operation name or variables). */
export const keyReused = () =>
  refusal('This Idempotency-Key was used for a different request: use a new key for a new request', ErrorCode.IDEMPOTENCY_KEY_REUSED, 422);
