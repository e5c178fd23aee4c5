import { Migration } from '@mikro-orm/migrations';

/**
 * `notify_on_failure` notices about failed deliveries, at most one per webhook per interval: how many deliveries
 * failed for good since the last notice (and since when), and when that notice went out. Counted on the webhook's
 * row by the attempt that fails for good, so a notice never has to scan the webhook's deliveries.
 */
export class Migration20261201320000_failureNotices extends Migration {
  override name = 'Migration20261201320000_failureNotices';

  override up(): void {
    this.addSql(`
      alter table webhooks
        add column failure_notice_sent_at timestamptz null,
        add column failures_unnoticed integer not null default 0,
        add column first_unnoticed_failure_at timestamptz null;
    `);
  }

  override down(): void {
    this.addSql(`
      alter table webhooks
        drop column failure_notice_sent_at,
        drop column failures_unnoticed,
        drop column first_unnoticed_failure_at;
    `);
  }
}
