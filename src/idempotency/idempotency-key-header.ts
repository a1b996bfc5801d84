export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** 1 to 255 printable ASCII characters (spaces inside a key are kept; Node trims them at either end). */
const USABLE_KEY = /^[\x20-\x7E]{1,255}$/;

/** An Idempotency-Key header this server cannot use: a 400, never a 500. */
export class UnusableIdempotencyKey extends Error {
  override name = 'UnusableIdempotencyKey';
}

/**
 * The key of a request's Idempotency-Key header (every value it was sent with), or undefined
 * without one. Throws UnusableIdempotencyKey when it is empty, too long, not printable ASCII, or
 * sent more than once.
 */
export function idempotencyKeyOf(values: readonly string[]): string | undefined {
  const [key, ...others] = values;
  if (key === undefined) return undefined;
  if (others.length > 0) throw new UnusableIdempotencyKey('Send one Idempotency-Key header, not several');
  if (!USABLE_KEY.test(key)) throw new UnusableIdempotencyKey('The Idempotency-Key header must be 1 to 255 printable ASCII characters');
  return key;
}
