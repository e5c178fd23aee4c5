import { Migration } from '@mikro-orm/migrations';

/**
 * `accounts.routing_version`: bumped by triggers whenever something that decides where an account's events go
 * changes (a webhook created, deleted, paused or resumed, its event types or filters edited; a workflow whose
 * trigger, enabled flag, published template or user changes). The API caches each account's routing in memory and
 * stores an event in one statement that re-checks this version: a stale cache stores nothing and is reloaded.
 */
export class Migration20261123003000_routing extends Migration {
  override name = 'Migration20261123003000_routing';

  override up(): void {
    this.addSql(`
      alter table accounts add column routing_version bigint not null default 0;

      create function switchyard_bump_routing_version() returns trigger language plpgsql as $$
      begin
        if tg_op <> 'INSERT' then
          update accounts set routing_version = routing_version + 1 where id = old.account_id;
        end if;
        if tg_op = 'INSERT' or (tg_op = 'UPDATE' and new.account_id is distinct from old.account_id) then
          update accounts set routing_version = routing_version + 1 where id = new.account_id;
        end if;
        return null;
      end $$;

      create trigger webhooks_routing_version after insert or delete on webhooks
        for each row execute function switchyard_bump_routing_version();
      create trigger webhooks_routing_version_update after update on webhooks
        for each row when (old.status is distinct from new.status or old.events is distinct from new.events
                           or old.filters is distinct from new.filters or old.account_id is distinct from new.account_id)
        execute function switchyard_bump_routing_version();

      create trigger workflows_routing_version after insert or delete on workflows
        for each row execute function switchyard_bump_routing_version();
      create trigger workflows_routing_version_update after update on workflows
        for each row when (old.enabled is distinct from new.enabled or old.deleted_at is distinct from new.deleted_at
                           or old.trigger_keys is distinct from new.trigger_keys or old.user_key is distinct from new.user_key
                           or (old.template is null) <> (new.template is null)
                           or old.account_id is distinct from new.account_id)
        execute function switchyard_bump_routing_version();
    `);
  }

  override down(): void {
    this.addSql(`
      drop trigger workflows_routing_version_update on workflows;
      drop trigger workflows_routing_version on workflows;
      drop trigger webhooks_routing_version_update on webhooks;
      drop trigger webhooks_routing_version on webhooks;
      drop function switchyard_bump_routing_version();
      alter table accounts drop column routing_version;
    `);
  }
}
