import { Migration } from '@mikro-orm/migrations';

/**
 * A NOTIFY on `switchyard_auth` whenever what authenticates a request changes: an API key (revoked, its scopes,
 * deleted; not its `last_used_at`) or an account (anything but its `routing_version`). Each server process caches
 * the keys it resolved and forgets them all on this notice (http/authCache.ts).
 */
export class Migration20261202000000_authNotify extends Migration {
  override name = 'Migration20261202000000_authNotify';

  override up(): void {
    this.addSql(`
      create function switchyard_notify_auth() returns trigger language plpgsql as $$
        begin
          perform pg_notify('switchyard_auth', '');
          return null;
        end $$;
      create trigger api_keys_notify_auth after update on api_keys for each row
        when ((to_jsonb(old) - 'last_used_at') is distinct from (to_jsonb(new) - 'last_used_at'))
        execute function switchyard_notify_auth();
      create trigger api_keys_notify_auth_delete after delete on api_keys
        for each statement execute function switchyard_notify_auth();
      create trigger accounts_notify_auth after update on accounts for each row
        when ((to_jsonb(old) - 'routing_version') is distinct from (to_jsonb(new) - 'routing_version'))
        execute function switchyard_notify_auth();
      create trigger accounts_notify_auth_delete after delete on accounts
        for each statement execute function switchyard_notify_auth();
    `);
  }

  override down(): void {
    this.addSql(`
      drop trigger accounts_notify_auth_delete on accounts;
      drop trigger accounts_notify_auth on accounts;
      drop trigger api_keys_notify_auth_delete on api_keys;
      drop trigger api_keys_notify_auth on api_keys;
      drop function switchyard_notify_auth();
    `);
  }
}
