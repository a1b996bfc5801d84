/**
 * PostgreSQL refused the values themselves: SQLSTATE class 22 (data exception: out of range,
 * invalid text…) or 23 (a check or unique constraint). Input validation should catch these
 * first; this is the safety net that keeps such a request a client error instead of a 500.
 */
export function isRefusedInput(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code);
}
