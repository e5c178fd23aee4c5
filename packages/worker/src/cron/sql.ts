// The housekeeping statements. Each deletes at most `$limit` rows, so that one statement holds its locks briefly and
// the caller loops; ids are UUIDv7 (time-ordered), so `id < $bound` walks the primary key from the oldest row and
// the timestamp condition guards the result.

/** Expired idempotency records (`life-` keys have no expiry and stay). $1 now, $2 limit. */
export const PURGE_IDEMPOTENCY = `
  delete from idempotency_records
   where id in (select id from idempotency_records where expires_at < $1 limit $2)`;

/** Finished deliveries created before the cutoff; their attempts go with them (on delete cascade). */
export const DELETE_OLD_DELIVERIES = `
  delete from deliveries
   where id in (
     select id from deliveries
      where id < $1::uuid and created_at < $2 and status in ('succeeded', 'failed', 'canceled')
      limit $3)`;

/** Events before the cutoff with no delivery left (an unfinished one keeps its event, which it will send). */
export const DELETE_OLD_EVENTS = `
  delete from events
   where id in (
     select e.id from events e
      where e.id < $1::uuid and e.created_at < $2
        and not exists (select 1 from deliveries d where d.event_id = e.id)
      limit $3)`;

/** Executions that finished before the cutoff; their steps go with them (on delete cascade). */
export const DELETE_OLD_EXECUTIONS = `
  delete from executions
   where id in (
     select id from executions
      where id < $1::uuid and coalesce(finished_at, updated_at) < $2
        and status in ('completed', 'failed', 'stopped', 'skipped')
      limit $3)`;

/** The circuit breaker's daily counts of days before the cutoff. */
export const DELETE_OLD_TRIGGER_COUNTS = `delete from workflow_trigger_counts where day < $1::date`;

/** Heartbeat rows of worker pools silent for a day and holding no job (they stopped without removing theirs). */
export const DELETE_STALE_HEARTBEATS = `
  delete from worker_heartbeats h
   where h.last_seen_at < now() - interval '1 day'
     and not exists (select 1 from graphile_worker.jobs j where j.locked_by = h.id)`;

/** Jobs out of attempts, by task: what graphile-worker's cleanup is about to delete. */
export const COUNT_PERMANENTLY_FAILED = `
  select task_identifier as task, count(*)::int as n from graphile_worker.jobs
   where attempts >= max_attempts and locked_at is null
   group by task_identifier order by task_identifier`;
