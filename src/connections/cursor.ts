import { createHash } from 'node:crypto';
import { validate as isUuid } from 'uuid';
import { CursorMismatchError, InvalidCursorError } from './cursor-errors';
import type { KeysetOrder } from './keyset-order';

/**
 * Where a page ended: the key and the id of its last row, the exact pair the list is ordered by
 * (the key is null for a row without a value in a nullable key). The next page starts strictly
 * after it, so rows sharing a key are neither skipped nor repeated, rows inserted meanwhile do
 * not shift pages, and page 5,000 costs what page 1 costs.
 */
export interface CursorPosition {
  key: Date | null;
  id: string;
}

const SEPARATOR = '|';
/** Exactly what Date#toISOString writes for the years PostgreSQL stores (0001–9999). */
const ISO_INSTANT = /^(?!0000)\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * The cursors of one list: one order, one scope (what the list is of: the filter of a top-level
 * list, the parent of a nested one). A cursor is base64url of `order|scope tag|key|id`: it names
 * its order, so that under another order it is refused rather than read as a position it is not,
 * and it carries a tag of its scope (a hash: the filter itself would only lengthen it), so that a
 * cursor of another filter or parent is refused too. Opaque: clients must not build or parse
 * cursors, and only the exact text this API wrote is a cursor.
 */
export class KeysetCursors {
  private readonly prefix: string;

  constructor(
    private readonly order: KeysetOrder,
    scope: string,
  ) {
    const tag = createHash('sha256').update(scope).digest('base64url').slice(0, 12);
    this.prefix = `${order.name}${SEPARATOR}${tag}${SEPARATOR}`;
  }

  /**
   * The cursor of a row: its key and id (a page always reads both, see keyset-page.ts). The key is
   * the text a read selects (entity-rows.ts), or an entity's Date.
   */
  of(row: object): string {
    const { [this.order.property]: key, id } = row as Record<string, unknown>;
    const instant = typeof key === 'string' ? key : key instanceof Date ? key.toISOString() : '';
    const text = `${this.prefix}${instant}${SEPARATOR}${String(id)}`;
    return Buffer.from(text, 'utf8').toString('base64url');
  }

  /**
   * The position a cursor of this list holds. Anything this API did not write is BAD_USER_INPUT
   * on `argument`; so is a cursor it wrote for another order or scope.
   */
  decode(cursor: string, argument = 'after'): CursorPosition {
    const text = Buffer.from(cursor, 'base64url').toString('utf8');
    // Base64 decoding skips what it cannot read (junk appended, padding): only the exact encoding
    // this API wrote is its cursor.
    if (Buffer.from(text, 'utf8').toString('base64url') !== cursor) throw new InvalidCursorError(argument);
    const [order, tag, isoTime, id, ...rest] = text.split(SEPARATOR);
    if (rest.length > 0 || isoTime === undefined || id === undefined || !isUuid(id)) throw new InvalidCursorError(argument);
    const key = isoTime === '' && this.order.nullable ? null : instant(isoTime);
    if (key === undefined) throw new InvalidCursorError(argument);
    if (`${order}${SEPARATOR}${tag}${SEPARATOR}` !== this.prefix) throw new CursorMismatchError(argument);
    return { key, id };
  }
}

/** The Date an exact ISO instant of the years 0001–9999 writes, or undefined for any other text. */
function instant(isoTime: string): Date | undefined {
  const date = new Date(isoTime);
  return ISO_INSTANT.test(isoTime) && !Number.isNaN(date.getTime()) && date.toISOString() === isoTime ? date : undefined;
}
