import { Migration } from '@mikro-orm/migrations';

/**
 * Free event names: the catalog keeps every name an account has sent beside the ones it registered.
 * `event_types.registered` is false for a name that was only sent (registering it later makes it true).
 */
export class Migration20261201300000_eventNames extends Migration {
  override name = 'Migration20261201300000_eventNames';

  override up(): void {
    this.addSql(`alter table event_types add column registered boolean not null default true;`);
  }

  override down(): void {
    this.addSql(`
      delete from event_types where not registered;
      alter table event_types drop column registered;
    `);
  }
}
