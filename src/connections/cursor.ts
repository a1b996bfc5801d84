import { validate as isUuid } from 'uuid';
import { InvalidCursorError } from './cursor-errors';
import type { KeysetOrder } from './keyset-order';

/**
 * Where a page ended: the key and the id of its last row, the exact pair the list is ordered by.
 * The next page starts strictly after it, so rows sharing a key are neither skipped nor
 * repeated, rows inserted meanwhile do not shift pages, and page 5,000 costs what page 1 costs.
 */
export interface CursorPosition {
  key: Date;
  id: string;
}

const SEPARATOR = '|';
/** Exactly what Date#toISOString writes for the years PostgreSQL stores (0001–9999). */
const ISO_INSTANT = /^(?!0000)\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * The cursors of a list in one order. Base64url keeps them opaque: clients must not build or
 * parse cursors.
 */
export class KeysetCursors {
  constructor(private readonly order: KeysetOrder) {}

  /** The cursor of a row: its key and id (a page always reads both, see pageColumns). */
  of(row: object): string {
    const { [this.order.property]: key, id } = row as Record<string, unknown>;
    return Buffer.from(`${(key as Date).toISOString()}${SEPARATOR}${String(id)}`, 'utf8').toString('base64url');
  }

  /** The position a cursor this API wrote holds; anything else is BAD_USER_INPUT on `argument`. */
  decode(cursor: string, argument = 'after'): CursorPosition {
    const text = Buffer.from(cursor, 'base64url').toString('utf8');
    // Base64 decoding skips what it cannot read (junk appended, padding): only the exact encoding
    // this API wrote is its cursor.
    if (Buffer.from(text, 'utf8').toString('base64url') !== cursor) throw new InvalidCursorError(argument);
    const [isoTime, id, ...rest] = text.split(SEPARATOR);
    const key = new Date(isoTime ?? '');
    const valid =
      rest.length === 0 &&
      isoTime !== undefined &&
      ISO_INSTANT.test(isoTime) &&
      id !== undefined &&
      isUuid(id) &&
      !Number.isNaN(key.getTime()) &&
      key.toISOString() === isoTime;
    if (!valid) throw new InvalidCursorError(argument);
    return { key, id };
  }
}
