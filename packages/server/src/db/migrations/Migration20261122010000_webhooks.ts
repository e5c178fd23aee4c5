import { Migration } from '@mikro-orm/migrations';

/** Events and entity snapshots, custom event types, webhook subscriptions, deliveries and their attempts. */
export class Migration20261122010000_webhooks extends Migration {
  override name = 'Migration20261122010000_webhooks';

  override up(): void {
    this.addSql(`
      create table events (
        id uuid primary key,
        account_id uuid not null references accounts (id) on delete cascade,
        -- The host's own id for the event: a resend with the same id is a duplicate, not a new event.
        external_id varchar(255) null,
        type varchar(100) not null,
        entity varchar(100) null,
        entity_id varchar(255) null,
        data jsonb not null,
        previous jsonb null,
        user_key varchar(255) not null,
        occurred_at timestamptz not null,
        -- Execution ids whose work caused this event, oldest first: the loop guard of workflows.
        caused_by jsonb not null default '[]',
        created_at timestamptz not null
      );
      create index events_account_id_id_index on events (account_id, id);
      create index events_account_id_type_id_index on events (account_id, type, id);
      alter table events add constraint events_account_id_external_id_unique unique (account_id, external_id);

      -- The last known state of each entity, so "previous" is known when the host does not send it.
      create table entity_snapshots (
        account_id uuid not null references accounts (id) on delete cascade,
        entity varchar(100) not null,
        entity_id varchar(255) not null,
        data jsonb not null,
        event_id uuid not null,
        occurred_at timestamptz not null,
        primary key (account_id, entity, entity_id)
      );

      create table event_types (
        id uuid primary key,
        account_id uuid not null references accounts (id) on delete cascade,
        type varchar(100) not null,
        description varchar(500) null,
        created_at timestamptz not null
      );
      alter table event_types add constraint event_types_account_id_type_unique unique (account_id, type);

      create table webhooks (
        id uuid primary key,
        account_id uuid not null references accounts (id) on delete cascade,
        url text not null,
        name varchar(200) null,
        description varchar(200) null,
        events jsonb not null,
        filters jsonb null,
        method varchar(10) not null default 'POST',
        content_type varchar(100) not null default 'application/json',
        -- Custom headers often carry credentials (x-api-key): sealed like the secrets.
        headers_sealed text null,
        status varchar(20) not null default 'active',
        disabled_reason text null,
        notify_on_failure boolean not null default false,
        secret_sealed text not null,
        previous_secret_sealed text null,
        previous_secret_expires_at timestamptz null,
        failing_since timestamptz null,
        last_success_at timestamptz null,
        last_failure_at timestamptz null,
        created_at timestamptz not null,
        updated_at timestamptz not null
      );
      alter table webhooks add constraint webhooks_account_id_url_unique unique (account_id, url);
      create index webhooks_active_index on webhooks (account_id) where status = 'active';

      create table deliveries (
        id uuid primary key,
        account_id uuid not null references accounts (id) on delete cascade,
        webhook_id uuid not null references webhooks (id) on delete cascade,
        -- Null for test pings, which belong to no event.
        event_id uuid null references events (id) on delete cascade,
        event_type varchar(100) not null,
        status varchar(20) not null default 'pending',
        attempts integer not null default 0,
        next_attempt_at timestamptz null,
        last_status_code integer null,
        last_error text null,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        completed_at timestamptz null
      );
      create index deliveries_webhook_id_id_index on deliveries (webhook_id, id);
      create index deliveries_event_id_index on deliveries (event_id);

      create table delivery_attempts (
        id uuid primary key,
        delivery_id uuid not null references deliveries (id) on delete cascade,
        account_id uuid not null,
        number integer not null,
        started_at timestamptz not null,
        duration_ms integer not null,
        request_headers jsonb not null,
        status_code integer null,
        response_headers jsonb null,
        response_body text null,
        response_truncated boolean not null default false,
        error_code varchar(50) null,
        error text null
      );
      create index delivery_attempts_delivery_id_index on delivery_attempts (delivery_id, number);
    `);
  }
}
