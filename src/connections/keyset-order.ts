export type Direction = 'asc' | 'desc';

/**
 * One order of a list, for keyset pagination: a timestamp column, then `id` to break ties, both
 * in one direction. A page is `order by <key> <dir>, id <dir>` and one row more than it shows;
 * the next page adds `(<key>, id) > (<cursor's key>, <cursor's id>)` (`<` descending): one row
 * comparison, which an index on exactly (<key> <dir>, id <dir>) — or its backward scan — serves
 * as an index condition, so page 5,000 reads what page 1 reads.
 *
 * A nullable column comes last in either direction: its key is `coalesce(column, ±infinity)`
 * (+infinity ascending, -infinity descending), and the index is built on that expression. With
 * `nulls last` instead, the rows after a cursor would be an OR of two ranges, which no single
 * index condition serves. No stored value is infinite: the API takes dates of the years 0001–9999.
 */
export class KeysetOrder {
  /** The sort key as SQL: the column, or its coalesce for a nullable one. */
  readonly key: string;

  constructor(
    /** What its cursors carry: a cursor of another order is refused. */
    readonly name: string,
    /** The row's property the key is read from (a Date, or null when `nullable`). */
    readonly property: string,
    column: string,
    readonly direction: Direction,
    readonly nullable = false,
  ) {
    this.key = nullable ? `coalesce(${quote(column)}, ${this.nullsAs})` : quote(column);
  }

  /** The ORDER BY list. */
  get orderBy(): string {
    return `${this.key}${suffix(this.direction)}, "id"${suffix(this.direction)}`;
  }

  /** The condition for the rows after a cursor; its parameters are the cursor's key, then its id. */
  get after(): string {
    const key = this.nullable ? `coalesce(?::timestamptz, ${this.nullsAs})` : '?';
    return `(${this.key}, "id") ${this.direction === 'asc' ? '>' : '<'} (${key}, ?)`;
  }

  /** What null sorts as: after every date, in this direction. */
  private get nullsAs(): string {
    return `'${this.direction === 'asc' ? '' : '-'}infinity'::timestamptz`;
  }
}

export const quote = (identifier: string): string => `"${identifier}"`;

const suffix = (direction: Direction) => (direction === 'desc' ? ' desc' : '');
