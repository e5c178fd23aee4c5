import { z } from 'zod';

/**
 * How a failed job is retried: `none` (one attempt), `exponential` (graphile-worker re-runs a throwing job up to
 * `maxAttempts` times with its exponential backoff), or `self` (the task records the failure and schedules its own next
 * attempt on a domain schedule, e.g. the webhook retry schedule, so `maxAttempts` stays 1).
 */
export type RetryStrategy = 'none' | 'exponential' | 'self';

/** Queue attempts of the jobs whose loss would lose an acknowledged event (see `deliver_webhook`). */
const OUTAGE_PROOF_ATTEMPTS = 25;

/**
 * The job catalog: every graphile-worker task, its payload schema and retry policy. The server enqueues and the
 * worker runs through this one table, and the worker parses each payload at run time (a job may have been queued by
 * older code).
 */
export const JOBS = {
  /**
   * Sends one delivery attempt; the task schedules the next attempt itself, on the webhook retry schedule. The queue's
   * own attempts only cover a crash of the task itself (database gone mid-attempt): the delivery row stays pending.
   * They are many (graphile-worker's backoff grows to 6 h, so 25 cover about four days) because a job out of
   * attempts is never run again: an outage of the database must not lose an acknowledged event.
   */
  deliver_webhook: {
    payload: z.object({ delivery_id: z.uuid() }),
    maxAttempts: OUTAGE_PROOF_ATTEMPTS,
    retry: 'self',
    description: 'Deliver one event to one webhook subscription',
  },
  /** Runs one node of an execution; keyed by execution + node so a redelivered job never runs a step twice. */
  run_workflow_step: {
    payload: z.object({ execution_id: z.uuid(), node_id: z.string().min(1) }),
    // The step retries itself on the workflow backoff; the queue's attempts only cover a crash of the task itself
    // (a worker killed mid-step, the database gone): the step's claim keeps a re-run from running it twice.
    maxAttempts: OUTAGE_PROOF_ATTEMPTS,
    retry: 'self',
    description: 'Run one step of a workflow execution',
  },
  /** Plans an execution's first steps. */
  start_execution: {
    payload: z.object({ execution_id: z.uuid() }),
    // Only fails while the database does; planning twice does nothing more.
    maxAttempts: OUTAGE_PROOF_ATTEMPTS,
    retry: 'exponential',
    description: 'Start a workflow execution',
  },
  /**
   * E-mails the account about a webhook (`notify_on_failure`): that it was disabled after failing for days, or that
   * deliveries failed for good (at most one such notice per interval, counting what failed since). SMTP outages
   * retry (≈ 30 min in total). Jobs queued before `reason` existed are disabled notices.
   */
  send_failure_notice: {
    payload: z.object({
      webhook_id: z.uuid(),
      reason: z.enum(['disabled', 'delivery_failed']).default('disabled'),
    }),
    maxAttempts: 8,
    retry: 'exponential',
    description: 'Notify the account that a webhook was disabled or its deliveries failed',
  },
  /**
   * A test ping the API asked for (`POST /v1/webhooks/{id}/test`, `test_delivery` at creation): one attempt of the
   * `webhook.test` delivery the API wrote, whose outcome the worker writes to `job_answers` under `answer_id` for the
   * API, which waits for it. Not retried: a late answer nobody waits for is useless.
   */
  test_webhook: {
    payload: z.object({ delivery_id: z.uuid(), answer_id: z.uuid() }),
    maxAttempts: 1,
    retry: 'none',
    description: 'Send a test ping to a webhook and answer the API',
  },
  /** A connection test the API asked for (`POST /v1/connections/{id}/test`), answered like `test_webhook`. */
  test_connection: {
    payload: z.object({ connection_id: z.uuid(), account_id: z.uuid(), answer_id: z.uuid() }),
    maxAttempts: 1,
    retry: 'none',
    description: 'Test a connection and answer the API',
  },
  /** Housekeeping (a crontab item, every 15 minutes): deletes expired idempotency records in small batches. */
  purge_idempotency_records: {
    payload: z.object({}).passthrough(),
    maxAttempts: 1,
    retry: 'none',
    description: 'Delete expired idempotency records',
  },
  /**
   * Housekeeping (hourly): deletes events, finished deliveries (with their attempts) and finished executions (with
   * their steps) older than RETENTION_DAYS, in small batches. A missed run is made up by the next one.
   */
  apply_retention: {
    payload: z.object({}).passthrough(),
    maxAttempts: 1,
    retry: 'none',
    description: 'Delete data older than the retention period',
  },
  /** Housekeeping (daily): graphile-worker's own cleanup (permanently failed jobs, unused queues and task names). */
  clean_up_job_queue: {
    payload: z.object({}).passthrough(),
    maxAttempts: 1,
    retry: 'none',
    description: "Clean up the job queue's tables",
  },
  /** Does nothing: for tests and benchmarks of the queue itself. */
  noop: {
    payload: z.object({}).passthrough(),
    maxAttempts: 1,
    retry: 'none',
    description: 'Do nothing',
  },
} as const satisfies Record<
  string,
  { payload: z.ZodType; maxAttempts: number; retry: RetryStrategy; description: string }
>;

/** The name of a task in the catalog. */
export type JobName = keyof typeof JOBS;

/** The payload type of task `N`. */
export type JobPayload<N extends JobName> = z.infer<(typeof JOBS)[N]['payload']>;

/** Parses a raw payload for task `name`, throwing a ZodError if it does not fit. */
export function parseJobPayload<N extends JobName>(name: N, raw: unknown): JobPayload<N> {
  return JOBS[name].payload.parse(raw) as JobPayload<N>;
}

/** The job key of one step: a redelivered or re-added job for the same node replaces, never duplicates. */
export function stepJobKey(executionId: string, nodeId: string): string {
  return `execution:${executionId}:${nodeId}`;
}

/** What a worker answers for a `test_webhook` job. */
export const TestWebhookAnswer = z.object({
  status: z.enum(['succeeded', 'failed']),
  status_code: z.number().int().nullable(),
  error: z.string().nullable(),
});
/** What a worker answers for a `test_webhook` job. */
export type TestWebhookAnswer = z.infer<typeof TestWebhookAnswer>;

/** What a worker answers for a `test_connection` job. */
export const TestConnectionAnswer = z.object({
  ok: z.boolean(),
  error: z.string().nullable(),
  detail: z.string().nullable(),
});
/** What a worker answers for a `test_connection` job. */
export type TestConnectionAnswer = z.infer<typeof TestConnectionAnswer>;

/** The jobs the API enqueues and awaits, with the schema of their answer. */
export const ANSWERED_JOBS = {
  test_webhook: TestWebhookAnswer,
  test_connection: TestConnectionAnswer,
} as const;
/** A job the API awaits. */
export type AnsweredJobName = keyof typeof ANSWERED_JOBS;
/** The answer of job `N`. */
export type JobAnswer<N extends AnsweredJobName> = z.infer<(typeof ANSWERED_JOBS)[N]>;

/** The channel a worker NOTIFYs (payload: the answer id) when it wrote an answer to `job_answers`. */
export const JOB_ANSWERS_CHANNEL = 'switchyard_job_answers';
