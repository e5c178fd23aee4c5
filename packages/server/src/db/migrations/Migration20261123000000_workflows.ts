import { Migration } from '@mikro-orm/migrations';

/** Workflows (seed 004 templates and seed 000 rules) with the trigger index events are matched through. */
export class Migration20261123000000_workflows extends Migration {
  override name = 'Migration20261123000000_workflows';

  override up(): void {
    this.addSql(`
      create table workflows (
        id uuid primary key,
        account_id uuid not null references accounts (id) on delete cascade,
        key text not null,
        user_key text not null default 'main',
        name text not null,
        enabled boolean not null default true,
        disabled_reason text null,
        auto_start boolean not null default true,
        template_status text not null default 'draft',
        -- The published template (what executions run) and the editable draft.
        template jsonb null,
        template_draft jsonb not null default '{"nodes":[],"edges":[]}',
        event_trigger text null,
        event_trigger_draft text null,
        stop_event text null,
        stop_event_draft text null,
        trigger_conditions jsonb null,
        trigger_conditions_draft jsonb null,
        -- Seed 000's flat fields, when the workflow was created as a rule.
        rule jsonb null,
        -- Lookup keys of the published trigger: the event type ('deal.updated') or, for an entity rule, 'deal.*'.
        trigger_keys text[] not null default '{}',
        max_triggers_per_day integer null,
        last_triggered_at timestamptz null,
        executions_count integer not null default 0,
        actions_count integer not null default 0,
        last_published_at timestamptz null,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        deleted_at timestamptz null
      );
      create unique index workflows_account_user_key_unique
        on workflows (account_id, user_key, key) where deleted_at is null;
      create unique index workflows_account_user_name_unique
        on workflows (account_id, user_key, lower(name)) where deleted_at is null;
      create index workflows_account_id_id_index on workflows (account_id, id) where deleted_at is null;
      -- An event finds its workflows here: cost O(matching workflows), not O(the account's workflows). Only a
      -- published trigger has keys; template_status is not in the predicate because a published workflow with
      -- unpublished edits ('draft') keeps running its published version.
      -- fastupdate off: workflows change rarely and are read on every event; a pending list would be scanned
      -- linearly by every lookup until vacuum (measured: 0.01 ms → 2 ms after 10,000 inserts).
      create index workflows_trigger_keys_index on workflows using gin (trigger_keys) with (fastupdate = off)
        where enabled and deleted_at is null;
    `);
  }
}
