import { quote, type KeysetOrder } from './keyset-order';

export interface KeysetIndexOptions {
  /** Columns compared with `=` before the order's key: a filter (status) or a parent (session_id). */
  leading?: readonly string[];
  /** Columns stored in the index without ordering it: an aggregate over them reads the index alone. */
  include?: readonly string[];
}

/**
 * The `@Index({ name, expression })` of an entity that serves a KeysetOrder, from the same key
 * the reads order by: the planner uses an index only for the exact expression, so the two are
 * never written twice. Declared on the entity (not as raw SQL in a migration), so that
 * `migration:check` knows it.
 */
export function keysetIndex(
  table: string,
  name: string,
  order: KeysetOrder,
  { leading = [], include = [] }: KeysetIndexOptions = {},
): { name: string; expression: string } {
  const columns = [...leading.map(quote), order.orderBy].join(', ');
  const included = include.length > 0 ? ` include (${include.map(quote).join(', ')})` : '';
  return { name, expression: `create index ${quote(name)} on ${quote(table)} (${columns})${included}` };
}
