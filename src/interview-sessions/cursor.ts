import { validate as isUuid } from 'uuid';
import { InvalidCursorError } from './errors';

/**
 * A keyset cursor: the (created_at, id) of the last row a page showed, the exact pair the list is
 * ordered by. The next page starts strictly after it, so rows sharing a created_at are neither
 * skipped nor repeated, rows inserted meanwhile do not shift pages, and page 5,000 costs what
 * page 1 costs. Base64url keeps it opaque: clients must not build or parse cursors.
 */
export interface CursorPosition {
  createdAt: Date;
  id: string;
}

const SEPARATOR = '|';
/** Exactly what Date#toISOString writes for the years PostgreSQL stores (0001–9999). */
const ISO_INSTANT = /^(?!0000)\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function encodeCursor({ createdAt, id }: CursorPosition): string {
  return Buffer.from(`${createdAt.toISOString()}${SEPARATOR}${id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, argument = 'after'): CursorPosition {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  // Base64 decoding skips what it cannot read (junk appended, padding): only the exact encoding
  // this API wrote is its cursor.
  if (Buffer.from(text, 'utf8').toString('base64url') !== cursor) throw new InvalidCursorError(argument);
  const [isoTime, id, ...rest] = text.split(SEPARATOR);
  const createdAt = new Date(isoTime ?? '');
  const valid =
    rest.length === 0 &&
    isoTime !== undefined &&
    ISO_INSTANT.test(isoTime) &&
    id !== undefined &&
    isUuid(id) &&
    !Number.isNaN(createdAt.getTime()) &&
    createdAt.toISOString() === isoTime;
  if (!valid) throw new InvalidCursorError(argument);
  return { createdAt, id };
}
