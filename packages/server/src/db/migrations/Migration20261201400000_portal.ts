import { Migration } from '@mikro-orm/migrations';

/**
 * Portal sessions, and webhooks an end user owns.
 *
 * A session is minted by the host's backend for one user of one account. Its bearer token (`ps_…`) is stored as a
 * SHA-256 hash, like an API key; the single-use code of its link is hashed too, and trading the code in mints the
 * browser's own token (`browser_token_hash`), so the link is worth nothing once opened.
 *
 * `webhooks.user_key`: null for the account's own endpoints (every event, as before), else the end user who owns the
 * endpoint, which then receives only that user's events. A URL is unique per owner, so one user's endpoints never
 * reveal another's through a 409.
 */
export class Migration20261201400000_portal extends Migration {
  override name = 'Migration20261201400000_portal';

  override up(): void {
    this.addSql(`
      create table portal_sessions (
        id uuid primary key,
        account_id uuid not null references accounts (id) on delete cascade,
        user_id uuid not null references users (id) on delete cascade,
        token_hash text not null,
        browser_token_hash text null,
        code_hash text null,
        code_used_at timestamptz null,
        -- workflows | webhooks | read_only
        features jsonb not null default '[]',
        expires_at timestamptz not null,
        revoked_at timestamptz null,
        created_at timestamptz not null default now()
      );
      create unique index portal_sessions_token_hash_unique on portal_sessions (token_hash);
      create unique index portal_sessions_browser_token_hash_unique on portal_sessions (browser_token_hash);
      create unique index portal_sessions_code_hash_unique on portal_sessions (code_hash);
      create index portal_sessions_account_user_index on portal_sessions (account_id, user_id);

      alter table webhooks add column user_key text null;
      alter table webhooks drop constraint webhooks_account_id_url_unique;
      create unique index webhooks_account_owner_url_unique on webhooks (account_id, coalesce(user_key, ''), url);
      create index webhooks_account_user_key_index on webhooks (account_id, user_key, id);

      -- Who owns an endpoint decides which events it gets: the routing cache must see a change of owner.
      drop trigger webhooks_routing_version_update on webhooks;
      create trigger webhooks_routing_version_update after update on webhooks
        for each row when (old.status is distinct from new.status or old.events is distinct from new.events
                           or old.filters is distinct from new.filters or old.account_id is distinct from new.account_id
                           or old.user_key is distinct from new.user_key)
        execute function switchyard_bump_routing_version();
    `);
  }

  override down(): void {
    this.addSql(`
      drop trigger webhooks_routing_version_update on webhooks;
      create trigger webhooks_routing_version_update after update on webhooks
        for each row when (old.status is distinct from new.status or old.events is distinct from new.events
                           or old.filters is distinct from new.filters or old.account_id is distinct from new.account_id)
        execute function switchyard_bump_routing_version();
      drop index webhooks_account_user_key_index;
      drop index webhooks_account_owner_url_unique;
      delete from webhooks where user_key is not null;
      alter table webhooks add constraint webhooks_account_id_url_unique unique (account_id, url);
      alter table webhooks drop column user_key;
      drop table if exists portal_sessions;
    `);
  }
}
