import { ReferenceKind, type EntityMetadata, type EntityName } from '@mikro-orm/postgresql';
import type { ReadOptions, RequestDatabase } from '../database/request-database';

/**
 * A timestamp as PostgreSQL writes it for this API, exactly what `Date#toISOString` would:
 * "2026-01-02T03:04:05.678Z" (the columns hold milliseconds, and years 0001–9999).
 */
type IsoInstant = string;

/** A field's value as a read returns it: a timestamp as its text. */
type AsRead<V> = V extends Date ? IsoInstant : V;

/** An entity's fields as plain data: what a read returns, without ORM bookkeeping. */
export type PlainEntity<T> = { [K in keyof T as K extends string ? K : never]: AsRead<T[K]> };

/**
 * A timestamptz selected as the API writes it, in UTC whatever the session's time zone. Formatting
 * in PostgreSQL costs the database ~0.3 µs a value and saves this process a Date parsed and
 * formatted per value, and the garbage of both: on a page of 20 sessions (100 timestamps), 72 µs of
 * this server's CPU for 30 µs of the database's (docs/performance.md).
 */
const asIsoInstant = (column: string) => `to_char("${column}" at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * Read-only queries that return plain rows of an entity's table. An identity map, change tracking
 * and hydration cost more CPU than such a query itself, so lists and lookups skip them; writes go
 * through the entity and the unit of work.
 *
 * The columns come from MikroORM's metadata: a property added to the entity is read by every
 * query with no other edit. A reference to another entity (a many-to-one, declared with
 * `mapToPk`) is read as the key it holds, the value its property holds on the entity too. Every
 * read is the request's (request-database.ts): within its share of the pool, through readRows
 * (read-query.ts).
 */
export class EntityRows<T extends object> {
  readonly table: string;
  /** The primary key's property: every read returns it, for the field resolvers that start from the row. */
  readonly key: string;
  /** Column names by property name, in the entity's order. */
  private readonly columns = new Map<string, string>();
  /** What each column is selected as, by property name: the column, or a timestamp's text. */
  private readonly selections = new Map<string, string>();
  /** By the set asked for (selectedFields hands out one per document), then by `always` as text. */
  private readonly selectLists = new WeakMap<ReadonlySet<string>, Map<string, string>>();

  private constructor(meta: EntityMetadata<T>) {
    this.table = meta.tableName;
    const [key] = meta.primaryKeys;
    if (meta.primaryKeys.length !== 1 || key === undefined)
      throw new Error(`${meta.className}: plain reads need a single-column primary key`);
    this.key = key;
    for (const prop of meta.props) {
      const [column, ...more] = prop.fieldNames;
      const read = prop.kind === ReferenceKind.SCALAR || prop.kind === ReferenceKind.MANY_TO_ONE;
      if (!read || prop.persist === false || column === undefined || more.length > 0) continue;
      this.columns.set(prop.name, column);
      this.selections.set(prop.name, `${prop.runtimeType === 'Date' ? asIsoInstant(column) : `"${column}"`} as "${prop.name}"`);
    }
  }

  private static readonly byMetadata = new WeakMap<EntityMetadata, EntityRows<object>>();

  /** The reader of an entity, built once from its metadata. */
  static of<T extends object>(db: RequestDatabase, entity: EntityName<T>): EntityRows<T> {
    const meta = db.metadata.get(entity);
    let rows = EntityRows.byMetadata.get(meta) as EntityRows<T> | undefined;
    if (!rows) {
      rows = new EntityRows(meta);
      EntityRows.byMetadata.set(meta, rows);
    }
    return rows;
  }

  /**
   * The select list for these properties, the primary key and `always`. Names that are not columns
   * of the entity are skipped: they are fields some resolver computes (from the primary key: a
   * relation of another feature). Built once per set of properties (selectedFields hands out the
   * same set for the same document).
   */
  selectList(properties: ReadonlySet<string>, always: readonly string[] = []): string {
    let byAlways = this.selectLists.get(properties);
    if (!byAlways) this.selectLists.set(properties, (byAlways = new Map<string, string>()));
    const wanted = always.join(',');
    let list = byAlways.get(wanted);
    if (list === undefined) {
      const read = (name: string) => name === this.key || properties.has(name) || always.includes(name);
      list = [...this.selections].flatMap(([name, selection]) => (read(name) ? [selection] : [])).join(', ');
      byAlways.set(wanted, list);
    }
    return list;
  }

  /** The column of a property, quoted for SQL. */
  column(property: string): string {
    const column = this.columns.get(property);
    if (column === undefined) throw new Error(`${this.table} has no column for ${property}`);
    return `"${column}"`;
  }

  /** Runs a read whose select list came from selectList(); rows come back as the entity's plain data. */
  read(db: RequestDatabase, sql: string, params: readonly unknown[], options?: ReadOptions): Promise<PlainEntity<T>[]> {
    return db.readRows<PlainEntity<T>>(sql, params, options);
  }
}
