import { Check, Entity, Index, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';

/**
 * One Idempotency-Key of one principal, and the response its request got: the table
 * `idempotency_key`. A row is written in the transaction of the mutations it answers for, so a
 * response is stored exactly when its writes are. Read and written with SQL of its own
 * (idempotency-store.ts): never through the unit of work.
 */
@Entity({ tableName: 'idempotency_key' })
@Index({ name: 'idempotency_key_expires_at_index', properties: ['expiresAt'] })
@Check({ name: 'idempotency_key_key_length_check', expression: '(char_length(key) >= 1) AND (char_length(key) <= 255)' })
export class IdempotencyKey {
  [PrimaryKeyProp]?: ['principal', 'key'];

  /** sha256 (hex) of who sent it: a token's subject can be kilobytes long, an index entry cannot. */
  @PrimaryKey({ type: 'text' })
  principal!: string;

  @PrimaryKey({ type: 'text' })
  key!: string;

  /** sha256 (hex) of the document, operation name and variables: what "the same request" means. */
  @Property({ type: 'text' })
  fingerprint!: string;

  /** The HTTP status, headers and body the request was answered with, replayed as they were. */
  @Property({ type: 'smallint' })
  status!: number;

  @Property({ type: 'jsonb' })
  headers!: Record<string, string>;

  @Property({ type: 'text' })
  body!: string;

  @Property({ type: 'datetime', length: 3 })
  createdAt!: Date;

  /** Past this, the key is forgotten: the same key executes afresh, and the row is deleted in the background. */
  @Property({ type: 'datetime', length: 3 })
  expiresAt!: Date;
}
