import type { AbstractSqlConnection, EntityManager, Knex } from '@mikro-orm/postgresql';
import type { PooledClient } from './pool/connection-health';
import { knexClientOf, withPooledClient, type KnexClient } from './pool/knex-client';
import { readWithRetry, type ReadSide } from './read-retry';
import { readTypes } from './timestamptz';

/** A statement as node-postgres takes it: `$n` placeholders, and a name to prepare it under. */
interface Statement {
  text: string;
  name: string | undefined;
}

/** Statements by their SQL, each converted and named once. Reads have few shapes; past this many, the rest run unnamed, converted each time. */
const statements = new Map<string, Statement>();
const MAX_NAMED_STATEMENTS = 500;

/**
 * Runs a read-only query (knex's `?` placeholders) for the request's EntityManager and returns
 * its rows, through readWithRetry (a healthy replica when there is one, one retry when a replica
 * or a connection failed under it).
 *
 * The SQL goes straight to the node-postgres client checked out of the same pool MikroORM uses,
 * skipping knex's query builder and MikroORM's result mapping, which cost more CPU than such a
 * query; timestamptz values come back as Dates. It runs as a named prepared statement (parsed and
 * planned once per connection), except behind PgBouncer in transaction mode, where a statement
 * would not outlive its transaction. Outside a transaction these reads see committed data; inside
 * the EntityManager's own (a keyed mutation's, held open until its answer is stored with its
 * writes) they run on its connection, so that the answer shows what the mutation wrote.
 */
export function readRows<Row extends object>(em: EntityManager, side: ReadSide, sql: string, params: readonly unknown[]): Promise<Row[]> {
  const transaction = em.getTransactionContext<Knex.Transaction>();
  // A transaction that has ended has given its connection back: a read still waiting reads committed data.
  if (transaction && !transaction.isCompleted()) {
    announce(em.getConnection(), sql, params);
    // Not retried: a failure has aborted the transaction, and the writes with it.
    return inTurn(transaction, () => withPooledClient(transaction.client as KnexClient, (client) => query<Row>(client, sql, params)));
  }
  return readWithRetry(em, side, (connection) => {
    announce(connection, sql, params);
    return withPooledClient(knexClientOf(connection), (client) => query<Row>(client, sql, params));
  });
}

/** The last read of each open transaction: they share one connection, which takes one query at a time (pg 9 refuses a second). */
const transactionReads = new WeakMap<object, Promise<unknown>>();

function inTurn<T>(transaction: object, read: () => Promise<T>): Promise<T> {
  const next = (transactionReads.get(transaction) ?? Promise.resolve()).then(read, read);
  transactionReads.set(
    transaction,
    next.catch(() => undefined),
  );
  return next;
}

/** Announced as knex announces its own queries, for whatever listens (query logs, specs). */
function announce(connection: AbstractSqlConnection, sql: string, params: readonly unknown[]): void {
  connection.getKnex().emit('query', { sql, bindings: params });
}

async function query<Row extends object>(client: PooledClient, sql: string, params: readonly unknown[]): Promise<Row[]> {
  const { text, name } = statementFor(sql);
  const result = await client.query<Row>({
    text,
    values: params as unknown[],
    types: readTypes,
    ...(client.preparedStatements && name && { name }),
  });
  return result.rows;
}

function statementFor(sql: string): Statement {
  const known = statements.get(sql);
  if (known) return known;
  let position = 0;
  const text = sql.replace(/\?/g, () => `$${++position}`);
  // Past the limit, a shape is neither named nor remembered: clients choose the fields, orders and
  // filters of a read, and their combinations must not grow the process without end.
  if (statements.size >= MAX_NAMED_STATEMENTS) return { text, name: undefined };
  const statement = { text, name: `read_${statements.size + 1}` };
  statements.set(sql, statement);
  return statement;
}
