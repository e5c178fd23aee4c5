import { Migration } from '@mikro-orm/migrations';

/**
 * A workflow's execution count and last trigger move out of its row into `workflow_counts`, one row per workflow
 * and slot. Every execution counts itself in the event's transaction; an `update workflows` there held the
 * workflow's row lock until commit, so concurrent events that start one workflow waited on each other (the bench saw
 * 7–8 backends in `Lock:transactionid`). Each connection now increments its own slot (`pg_backend_pid() % 16`), and a
 * read sums the slots.
 */
export class Migration20261202120000_workflowCounts extends Migration {
  override name = 'Migration20261202120000_workflowCounts';

  override up(): void {
    this.addSql(`
      create table workflow_counts (
        workflow_id uuid not null references workflows (id) on delete cascade,
        slot smallint not null,
        executions bigint not null,
        last_triggered_at timestamptz null,
        primary key (workflow_id, slot)
      )`);
    this.addSql(`
      insert into workflow_counts (workflow_id, slot, executions, last_triggered_at)
      select id, 0, executions_count, last_triggered_at from workflows
       where executions_count > 0 or last_triggered_at is not null`);
    this.addSql('alter table workflows drop column executions_count, drop column last_triggered_at');
  }

  override down(): void {
    this.addSql(`alter table workflows add column last_triggered_at timestamptz null,
      add column executions_count integer not null default 0`);
    this.addSql(`
      update workflows w set executions_count = c.executions, last_triggered_at = c.last_triggered_at
        from (select workflow_id, sum(executions)::int as executions, max(last_triggered_at) as last_triggered_at
                from workflow_counts group by workflow_id) c
       where c.workflow_id = w.id`);
    this.addSql('drop table workflow_counts');
  }
}
