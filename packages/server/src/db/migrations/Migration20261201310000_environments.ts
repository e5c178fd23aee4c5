import { Migration } from '@mikro-orm/migrations';

/**
 * Organisations with a `live` and a `test` environment, each its own account, and two kinds of API key: secret
 * (`sk_live_…`, `sk_test_…`, with scopes) and publishable (`pk_live_…`, `pk_test_…`, no scopes). Every existing
 * account becomes the live environment of an organisation of its own (same id and name); existing keys (`sy_…`)
 * are secret keys and keep working.
 */
export class Migration20261201310000_environments extends Migration {
  override name = 'Migration20261201310000_environments';

  override up(): void {
    this.addSql(`
      create table organisations (
        id uuid primary key,
        name varchar(255) not null,
        created_at timestamptz not null
      );
      insert into organisations (id, name, created_at) select id, name, created_at from accounts;

      alter table accounts
        add column organisation_id uuid null references organisations (id) on delete cascade,
        add column environment varchar(8) not null default 'live'
          constraint accounts_environment_check check (environment in ('live', 'test'));
      update accounts set organisation_id = id;
      alter table accounts alter column organisation_id set not null;
      alter table accounts
        add constraint accounts_organisation_id_environment_unique unique (organisation_id, environment);

      alter table api_keys add column kind varchar(16) not null default 'secret'
        constraint api_keys_kind_check check (kind in ('secret', 'publishable'));
    `);
  }

  override down(): void {
    this.addSql(`
      alter table api_keys drop column kind;
      alter table accounts drop constraint accounts_organisation_id_environment_unique;
      alter table accounts drop column environment, drop column organisation_id;
      drop table organisations;
    `);
  }
}
