/**
 * MikroORM hands timestamptz values over as PostgreSQL's text ("2026-01-02 03:04:05.678+00").
 * Made ISO 8601, V8's fast path parses them; read paths that skip the ORM's hydration use this.
 */
export function parseTimestamptz(text: string): Date {
  const iso = text.replace(' ', 'T');
  // PostgreSQL writes a whole-hour offset as "+00"; ISO 8601 wants "+00:00".
  return new Date(/[+-]\d\d$/.test(iso) ? `${iso}:00` : iso);
}
