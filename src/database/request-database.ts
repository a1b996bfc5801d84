import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import type { ConcurrencyLimit } from './pool/concurrency-limit';
import type { PoolSharing } from './pool/pool-sharing';
import { readRows } from './read-query';

export interface ReadOptions {
  /** A read that scans (a count): it runs within the process-wide share for expensive reads. */
  expensive?: boolean;
}

/**
 * One request's use of the database: its own EntityManager for writes, and its plain-row reads,
 * within its share of the pool (pool/pool-sharing.ts).
 */
export class RequestDatabase {
  private forked: EntityManager | undefined;
  private connections: ConcurrencyLimit | undefined;
  private readonly loaders = new Map<string, DataLoader<never, unknown>>();

  constructor(
    private readonly orm: MikroORM,
    private readonly sharing: PoolSharing,
  ) {}

  /** The request's own EntityManager, forked on first use: writes, transactions, the unit of work. */
  get em(): EntityManager {
    return (this.forked ??= this.orm.em.fork());
  }

  get metadata() {
    return this.orm.getMetadata();
  }

  /**
   * Rows of a read-only query (knex's `?` placeholders; see read-query.ts). Before the request has
   * its own EntityManager, reads use the root one's connections (the same pools): forking costs a
   * read-only request more than its query. Read-your-writes: once the request has its own
   * EntityManager (it is there for writes), its reads go to the primary, so that they see what it
   * wrote, through whatever fork of it (em.transactional's) the write was flushed.
   */
  readRows<Row extends object>(sql: string, params: readonly unknown[], { expensive = false }: ReadOptions = {}): Promise<Row[]> {
    const read = () => readRows<Row>(this.forked ?? this.orm.em, this.forked ? 'write' : 'read', sql, params);
    const connections = (this.connections ??= this.sharing.newRequestLimit());
    return connections.run(expensive ? () => this.sharing.runExpensive(read) : read);
  }

  /**
   * The request's batch of reads named `name`, made on first use: every `load` made while the
   * resolvers of one level run (a page of sessions, each asking for its feedback) becomes one call
   * of `batch` with all their keys, so one statement serves a page of any size. The name must
   * say everything the batch reads besides the keys (the fields, the page size). No cache: a
   * mutation later in the request must not get what an earlier field read.
   */
  loader<Key, Value>(name: string, batch: (keys: readonly Key[]) => Promise<Value[]>): DataLoader<Key, Value> {
    let loader = this.loaders.get(name) as DataLoader<Key, Value> | undefined;
    if (!loader) {
      loader = new DataLoader(batch, { cache: false });
      this.loaders.set(name, loader);
    }
    return loader;
  }
}
