import type { RequestDatabase } from '../database/request-database';
import type { Page } from './connection';
import type { CursorPosition } from './cursor';
import type { EntityRows, PlainEntity } from './entity-rows';
import type { KeysetOrder } from './keyset-order';

/** Conditions of a read, ANDed, with their parameters in order (knex's `?` placeholders). */
export interface Where {
  conditions: string[];
  params: unknown[];
}

/** A page as a client asks for it: its size, the position it starts after, the fields of its nodes. */
export interface PageRequest {
  first: number;
  after: CursorPosition | undefined;
  fields: ReadonlySet<string>;
}

export function whereClause({ conditions }: Where): string {
  return conditions.length > 0 ? `where ${conditions.join(' and ')}` : '';
}

/**
 * One page of an entity's rows in a KeysetOrder, strictly after the cursor's position when there
 * is one, among the rows `where` admits. One row more than the page tells whether a next page
 * exists. The cursor's key and id are read whatever the client selected: the page's cursors
 * need them.
 */
export async function readPage<T extends object>(
  db: RequestDatabase,
  rows: EntityRows<T>,
  order: KeysetOrder,
  where: Where,
  { first, after, fields }: PageRequest,
): Promise<Page<PlainEntity<T>>> {
  const all: Where = { conditions: [...where.conditions], params: [...where.params] };
  if (after) {
    all.conditions.push(order.after);
    all.params.push(after.key?.toISOString() ?? null, after.id);
  }
  const sql =
    `select ${rows.selectList(fields, ['id', order.property])} from ${rows.table} ${whereClause(all)} ` +
    `order by ${order.orderBy} limit ?`;
  const found = await rows.read(db, sql, [...all.params, first + 1]);
  return { nodes: found.slice(0, first), hasNextPage: found.length > first };
}
