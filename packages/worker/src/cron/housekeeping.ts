import type pg from 'pg';
import {
  DELETE_OLD_DELIVERIES,
  DELETE_OLD_EVENTS,
  DELETE_OLD_EXECUTIONS,
  DELETE_OLD_TRIGGER_COUNTS,
  PURGE_IDEMPOTENCY,
} from './sql.ts';

/** Rows one statement deletes at most: small, so that no statement holds its locks for long. */
export const BATCH_SIZE = 500;
/** Statements one run makes per table at most; what is left waits for the next run. */
const MAX_BATCHES = 200;

/** The smallest UUIDv7 of a millisecond: every id made before `date` sorts below it. */
export function uuidv7Floor(date: Date): string {
  const hex = Math.max(0, date.getTime()).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}

/** Runs a limited delete until it deletes fewer rows than the limit; returns how many went. */
async function deleteInBatches(pool: pg.Pool, sql: string, params: unknown[]): Promise<number> {
  let total = 0;
  for (let i = 0; i < MAX_BATCHES; i++) {
    const { rowCount } = await pool.query(sql, [...params, BATCH_SIZE]);
    total += rowCount ?? 0;
    if ((rowCount ?? 0) < BATCH_SIZE) break;
  }
  return total;
}

/** Deletes the idempotency records that expired before `now`; returns how many. */
export function purgeExpiredIdempotencyRecords(pool: pg.Pool, now: Date): Promise<number> {
  return deleteInBatches(pool, PURGE_IDEMPOTENCY, [now]);
}

/** What {@link applyRetention} deleted. */
export interface RetentionResult {
  deliveries: number;
  events: number;
  executions: number;
}

/**
 * Deletes what is older than `retentionDays`: finished deliveries (with their attempts), then events that no
 * delivery still needs, then finished executions (with their steps), and the circuit breaker's old daily counts.
 * Pending deliveries, running or waiting executions and entity snapshots (the last known state of each entity,
 * which `changed` conditions read) are kept whatever their age.
 */
export async function applyRetention(
  pool: pg.Pool,
  now: Date,
  retentionDays: number,
): Promise<RetentionResult> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  const bound = uuidv7Floor(cutoff);
  const deliveries = await deleteInBatches(pool, DELETE_OLD_DELIVERIES, [bound, cutoff]);
  const events = await deleteInBatches(pool, DELETE_OLD_EVENTS, [bound, cutoff]);
  const executions = await deleteInBatches(pool, DELETE_OLD_EXECUTIONS, [bound, cutoff]);
  await pool.query(DELETE_OLD_TRIGGER_COUNTS, [cutoff]);
  return { deliveries, events, executions };
}
