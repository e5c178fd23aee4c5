import { Migration } from '@mikro-orm/migrations';

/**
 * `execution_steps.job_id`: the graphile-worker job that claimed a running step. The same job running again means
 * its previous run ended without recording an outcome (its worker died and the job was reclaimed, or the database
 * went away mid-step), so it takes the step over at once instead of waiting out the step's lease.
 */
export class Migration20261201100000_stepJobs extends Migration {
  override name = 'Migration20261201100000_stepJobs';

  override up(): void {
    this.addSql('alter table execution_steps add column job_id text null;');
  }

  override down(): void {
    this.addSql('alter table execution_steps drop column job_id;');
  }
}
