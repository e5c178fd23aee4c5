import { Migration } from '@mikro-orm/migrations';

/** Accounts, API keys, users, idempotency records and the shared rate-limit counters. */
export class Migration20261122000000_platform extends Migration {
  override name = 'Migration20261122000000_platform';

  override up(): void {
    this.addSql(`
      create table accounts (
        id uuid primary key,
        name varchar(255) not null,
        time_zone varchar(255) not null default 'UTC',
        settings jsonb not null default '{}',
        created_at timestamptz not null,
        updated_at timestamptz not null
      );

      create table api_keys (
        id uuid primary key,
        account_id uuid not null references accounts (id) on delete cascade,
        name varchar(255) not null,
        prefix varchar(255) not null,
        hash varchar(255) not null,
        scopes jsonb not null,
        last_used_at timestamptz null,
        revoked_at timestamptz null,
        created_at timestamptz not null
      );
      create index api_keys_account_id_index on api_keys (account_id);
      alter table api_keys add constraint api_keys_hash_unique unique (hash);

      create table users (
        id uuid primary key,
        account_id uuid not null references accounts (id) on delete cascade,
        key varchar(255) not null,
        name varchar(255) null,
        email varchar(255) null,
        groups jsonb not null default '[]',
        config jsonb not null,
        created_at timestamptz not null,
        updated_at timestamptz not null
      );
      alter table users add constraint users_account_id_key_unique unique (account_id, key);

      create table idempotency_records (
        id uuid primary key,
        account_id uuid not null references accounts (id) on delete cascade,
        key varchar(255) not null,
        operation varchar(255) not null,
        request_hash varchar(255) not null,
        response jsonb not null,
        created_at timestamptz not null,
        expires_at timestamptz null
      );
      create index idempotency_records_expires_at_index on idempotency_records (expires_at);
      alter table idempotency_records
        add constraint idempotency_records_account_id_key_operation_unique unique (account_id, key, operation);

      -- Fixed-window counters of rate-limiter-flexible, shared by every server process.
      create table rate_limits (
        key varchar(255) primary key,
        points integer not null default 0,
        expire bigint
      );
    `);
  }
}
