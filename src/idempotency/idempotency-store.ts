import type { EntityManager } from '@mikro-orm/postgresql';

/** A response as it was sent: replayed byte for byte. */
export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export type Claim =
  /** No other request holds the key, and no response is stored under it: this request runs. */
  | { kind: 'claimed' }
  /** Another request holding the key is running right now. */
  | { kind: 'in_use' }
  | { kind: 'stored'; fingerprint: string; response: StoredResponse };

interface ClaimRow {
  acquired: boolean;
  fingerprint: string | null;
  status: number | null;
  headers: Record<string, string> | null;
  body: string | null;
}

/**
 * Claims a key for the transaction `em` has begun, in one statement (the function the migration
 * made): a transaction-scoped advisory lock, released when that transaction ends, then the
 * response stored under the key, if one is and has not expired. Behind PgBouncer in transaction
 * mode too: the lock lives exactly as long as the transaction.
 */
export async function claimKey(em: EntityManager, principal: string, key: string): Promise<Claim> {
  const [row] = await em.execute<ClaimRow[]>('select * from claim_idempotency_key(?, ?)', [principal, key]);
  if (!row?.acquired) return { kind: 'in_use' };
  if (row.fingerprint === null || row.status === null || row.headers === null || row.body === null) return { kind: 'claimed' };
  return { kind: 'stored', fingerprint: row.fingerprint, response: { status: row.status, headers: row.headers, body: row.body } };
}

/** Stores the response in the same transaction as the writes it answers for; an expired row of the same key is replaced. */
export async function storeResponse(
  em: EntityManager,
  stored: { principal: string; key: string; fingerprint: string; ttlSeconds: number } & StoredResponse,
): Promise<void> {
  await em.execute(
    `insert into idempotency_key (principal, key, fingerprint, status, headers, body, created_at, expires_at)
     values (?, ?, ?, ?, ?, ?, now(), now() + make_interval(secs => ?))
     on conflict (principal, key) do update set fingerprint = excluded.fingerprint, status = excluded.status,
       headers = excluded.headers, body = excluded.body, created_at = excluded.created_at, expires_at = excluded.expires_at`,
    [stored.principal, stored.key, stored.fingerprint, stored.status, JSON.stringify(stored.headers), stored.body, stored.ttlSeconds],
    'run',
  );
}

/**
 * Deletes up to `batchSize` expired keys; returns how many. Rows another instance is deleting are
 * skipped, not waited for.
 */
export async function deleteExpiredKeys(em: EntityManager, batchSize: number): Promise<number> {
  const result = await em.execute<{ affectedRows: number }>(
    `delete from idempotency_key where (principal, key) in (
       select principal, key from idempotency_key where expires_at <= now() limit ? for update skip locked)`,
    [batchSize],
    'run',
  );
  return result.affectedRows;
}
