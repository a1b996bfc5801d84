import type { RequestDatabase } from '../database/request-database';
import type { Page } from './connection';
import type { EntityRows, PlainEntity } from './entity-rows';
import type { PageRequest } from './keyset-page';
import type { KeysetOrder } from './keyset-order';

/**
 * A page of a parent's children (a session's feedback), batched: the pages that the resolvers of
 * one level ask for with the same arguments (a page of sessions, each with its `feedback(first:
 * 3)`) are read by one statement, whatever the number of parents. `parent` is the children's
 * reference property (a many-to-one with mapToPk); parents' keys are UUIDs.
 */
export function loadChildPage<T extends object>(
  db: RequestDatabase,
  rows: EntityRows<T>,
  order: KeysetOrder,
  parent: string,
  parentId: string,
  request: PageRequest,
): Promise<Page<PlainEntity<T>>> {
  const { first, after, fields } = request;
  const list = rows.selectList(fields, [parent, 'id', order.property]);
  const position = after ? `${after.key?.toISOString() ?? ''}|${after.id}` : '';
  const name = `pages of ${rows.table} by ${parent} in ${order.name}: ${first} after ${position} of ${list}`;
  return db
    .loader<string, Page<PlainEntity<T>>>(name, (parentIds) => readChildPages(db, rows, order, parent, parentIds, request))
    .load(parentId);
}

/**
 * One statement for every parent's page: for each parent key (an array parameter, unnested), a
 * lateral subquery that is exactly the one page's query (the order's index scan from the parent's
 * first entry, or from the cursor, for one row more than the page), so each parent costs what a
 * page of its own would. Pages come back in the order of `parentIds`.
 */
async function readChildPages<T extends object>(
  db: RequestDatabase,
  rows: EntityRows<T>,
  order: KeysetOrder,
  parent: string,
  parentIds: readonly string[],
  { first, after, fields }: PageRequest,
): Promise<Page<PlainEntity<T>>[]> {
  const conditions = [`${rows.column(parent)} = parent.key`];
  // Without a cache, a batch may hold a parent twice; its page is read once.
  const params: unknown[] = [[...new Set(parentIds)]];
  if (after) {
    conditions.push(order.after);
    params.push(after.key?.toISOString() ?? null, after.id);
  }
  const sql =
    `select page.* from unnest(?::uuid[]) as parent(key) cross join lateral (` +
    `select ${rows.selectList(fields, [parent, 'id', order.property])} from ${rows.table} ` +
    `where ${conditions.join(' and ')} order by ${order.orderBy} limit ?) as page`;
  const found = await rows.read(db, sql, [...params, first + 1]);
  const byParent = new Map<unknown, PlainEntity<T>[]>();
  for (const row of found) {
    const key = (row as Record<string, unknown>)[parent];
    const children = byParent.get(key);
    if (children) children.push(row);
    else byParent.set(key, [row]);
  }
  return parentIds.map((id) => {
    const children = byParent.get(id) ?? [];
    return { nodes: children.slice(0, first), hasNextPage: children.length > first };
  });
}
