import { Migration } from '@mikro-orm/migrations';

/** Executions (one run of a workflow), their steps (one per node) and the circuit breaker's daily counts. */
export class Migration20261123001000_executions extends Migration {
  override name = 'Migration20261123001000_executions';

  override up(): void {
    this.addSql(`
      create table executions (
        id uuid primary key,
        account_id uuid not null references accounts (id) on delete cascade,
        workflow_id uuid not null references workflows (id) on delete cascade,
        user_key text not null default 'main',
        -- waiting (auto_start off) | running | completed | failed | stopped | skipped (refused by the loop guard)
        status text not null,
        -- The published template this execution runs, copied when it started.
        template jsonb not null,
        -- The merge context: template data < execution data < event data.
        data jsonb not null default '{}',
        event_id uuid null,
        -- The execution ids whose actions caused the triggering event (loop guard).
        caused_by jsonb not null default '[]',
        stop_event text null,
        error text null,
        started_at timestamptz null,
        finished_at timestamptz null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );
      create index executions_account_id_id_index on executions (account_id, id);
      create index executions_workflow_id_index on executions (workflow_id, id);
      create index executions_stop_event_index on executions (account_id, user_key, stop_event)
        where status in ('running', 'waiting');

      create table execution_steps (
        id uuid primary key,
        execution_id uuid not null references executions (id) on delete cascade,
        node_id text not null,
        type text not null,
        -- pending | scheduled | running | succeeded | failed | skipped
        status text not null default 'pending',
        attempts integer not null default 0,
        run_at timestamptz null,
        output jsonb null,
        error jsonb null,
        started_at timestamptz null,
        finished_at timestamptz null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint execution_steps_execution_node_unique unique (execution_id, node_id)
      );

      -- Circuit breaker: triggers per workflow per day of the account's time zone.
      create table workflow_trigger_counts (
        workflow_id uuid not null references workflows (id) on delete cascade,
        day date not null,
        n integer not null,
        primary key (workflow_id, day)
      );
    `);
  }
}
