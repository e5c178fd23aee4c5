import { Migration } from '@mikro-orm/migrations';

/**
 * `execution_steps.rerun`: how many deliberate reruns (`POST /v1/executions/{id}/rerun`) a step went through. A step's
 * request identifier (Idempotency-Key, webhook-id, Message-ID) includes it, so a rerun is a new request to the
 * receiver while the retries of one run keep one identifier.
 */
export class Migration20261202110000_stepReruns extends Migration {
  override name = 'Migration20261202110000_stepReruns';

  override up(): void {
    this.addSql('alter table execution_steps add column rerun integer not null default 0');
  }

  override down(): void {
    this.addSql('alter table execution_steps drop column rerun');
  }
}
