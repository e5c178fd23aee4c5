import { Migration } from '@mikro-orm/migrations';

/**
 * Worker heartbeats. graphile-worker leaves the jobs of a worker that died without shutting down (kill -9, a lost
 * machine) locked for four hours; with a heartbeat per worker pool, the live workers unlock a dead one's jobs
 * within a minute.
 */
export class Migration20261122005000_workers extends Migration {
  override name = 'Migration20261122005000_workers';

  override up(): void {
    this.addSql(`
      create table worker_heartbeats (
        id text primary key,
        hostname text not null,
        pid integer not null,
        started_at timestamptz not null default now(),
        last_seen_at timestamptz not null default now()
      );
    `);
  }

  override down(): void {
    this.addSql('drop table worker_heartbeats;');
  }
}
