import { Migration } from '@mikro-orm/migrations';

/**
 * Answers of the jobs the API awaits (a test ping, a connection test): the API never calls out, so it enqueues the
 * job, LISTENs, and reads the answer the worker writes here (then NOTIFYs). Rows are read once and deleted; an
 * answer nobody came for is purged by age.
 */
export class Migration20261202100000_jobAnswers extends Migration {
  override name = 'Migration20261202100000_jobAnswers';

  override up(): void {
    this.addSql(`
      create table job_answers (
        id uuid primary key,
        answer jsonb not null,
        created_at timestamptz not null default now()
      )`);
  }

  override down(): void {
    this.addSql('drop table job_answers');
  }
}
