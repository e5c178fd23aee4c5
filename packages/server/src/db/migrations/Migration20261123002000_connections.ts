import { Migration } from '@mikro-orm/migrations';

/**
 * An account's connections to the services its workflow actions use: its SMTP server, a Slack bot, chat
 * incoming-webhook URLs and its own host action endpoint. Credentials are sealed with the secret box.
 */
export class Migration20261123002000_connections extends Migration {
  override name = 'Migration20261123002000_connections';

  override up(): void {
    this.addSql(`
      create table connections (
        id uuid primary key,
        account_id uuid not null references accounts (id) on delete cascade,
        -- smtp | slack | incoming_webhook | host_endpoint
        kind text not null,
        name text not null,
        -- What may be shown (host, port, provider, URL of a host endpoint); never a credential.
        settings jsonb not null default '{}',
        -- The credentials (password, bot token, incoming-webhook URL, signing secret) as one sealed JSON object.
        credentials_sealed text not null,
        last_tested_at timestamptz null,
        last_test_error text null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );
      create index connections_account_kind_index on connections (account_id, kind, id);
      create unique index connections_account_name_unique on connections (account_id, lower(name));
    `);
  }

  override down(): void {
    this.addSql('drop table if exists connections;');
  }
}
