import type { AbstractSqlConnection } from '@mikro-orm/postgresql';
import type { PooledClient } from './connection-health';

/** knex's client and the tarn pool under it, as far as this server uses them (knex types them `any`). */
export interface KnexClient {
  pool: TarnPool;
  acquireConnection(): Promise<PooledClient>;
  releaseConnection(connection: PooledClient): Promise<void>;
}

export interface TarnPool {
  max: number;
  /** The check before each checkout (knex's, then ours: connection-health.ts); false drops the connection. */
  validate(resource: PooledClient): boolean | Promise<boolean>;
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  numPendingCreates(): number;
  used: { resource: PooledClient }[];
  on(event: string, listener: (...args: never[]) => void): void;
}

export function knexClientOf(connection: AbstractSqlConnection): KnexClient {
  return connection.getKnex().client as KnexClient;
}

/**
 * Runs `work` on a node-postgres client checked out of this knex client's pool (the primary's or
 * a replica's): checked as every checkout is (pre-ping), and returned to the pool afterwards. A
 * transaction's knex client hands out its own connection and keeps it.
 */
export async function withPooledClient<T>(knex: KnexClient, work: (client: PooledClient) => Promise<T>): Promise<T> {
  const client = await knex.acquireConnection();
  try {
    return await work(client);
  } finally {
    await knex.releaseConnection(client);
  }
}
