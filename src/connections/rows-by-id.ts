import type { RequestDatabase } from '../database/request-database';
import type { EntityRows, PlainEntity } from './entity-rows';

/**
 * An entity's row by its key (a UUID), or null; batched: the lookups of one level of resolvers
 * (each feedback of a page asking for its session, or several aliased lookups) with the same
 * selection are one statement.
 */
export function loadById<T extends object>(
  db: RequestDatabase,
  rows: EntityRows<T>,
  id: string,
  fields: ReadonlySet<string>,
): Promise<PlainEntity<T> | null> {
  const list = rows.selectList(fields);
  return db
    .loader<string, PlainEntity<T> | null>(`${rows.table} by ${rows.key}: ${list}`, async (ids) => {
      const found = await rows.read(db, `select ${list} from ${rows.table} where ${rows.column(rows.key)} = any(?::uuid[])`, [ids]);
      const byId = new Map(found.map((row) => [(row as Record<string, unknown>)[rows.key], row]));
      return ids.map((id) => byId.get(id) ?? null);
    })
    .load(id);
}
