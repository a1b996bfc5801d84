import { Migration } from '@mikro-orm/migrations';

export class Migration20261204191852 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "idempotency_key" ("principal" text not null, "key" text not null, "fingerprint" text not null, "status" smallint not null, "headers" jsonb not null, "body" text not null, "created_at" timestamptz(3) not null, "expires_at" timestamptz(3) not null, constraint "idempotency_key_pkey" primary key ("principal", "key"), constraint idempotency_key_key_length_check check ((char_length(key) >= 1) AND (char_length(key) <= 255)));`);
    this.addSql(`create index "idempotency_key_expires_at_index" on "idempotency_key" ("expires_at");`);
    // Claims a key for the calling transaction: a transaction-scoped advisory lock, then the stored
    // response if there is one. In one function so that it is one round trip, and so that the
    // lookup runs after the lock is held: a volatile PL/pgSQL function takes a new snapshot per
    // statement, and sees a response committed while it waited for nothing (it never waits).
    this.addSql(`create function claim_idempotency_key(p_principal text, p_key text)
      returns table (acquired boolean, fingerprint text, status smallint, headers jsonb, body text)
      language plpgsql volatile as $$
      begin
        if not pg_try_advisory_xact_lock(hashtextextended(p_principal || ':' || p_key, 0)) then
          return query select false, null::text, null::smallint, null::jsonb, null::text;
          return;
        end if;
        return query select true, k.fingerprint, k.status, k.headers, k.body
          from (select 1) as one
          left join idempotency_key k on k.principal = p_principal and k.key = p_key and k.expires_at > now();
      end
      $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists claim_idempotency_key(text, text);`);
    this.addSql(`drop table if exists "idempotency_key" cascade;`);
  }

}
