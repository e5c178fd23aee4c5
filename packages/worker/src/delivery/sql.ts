import { statement } from '@switchyard/server/db';

// Every statement of one delivery attempt: the claim, the log of the exchange, and the delivery's new state.

/** What the claim reads in the same statement: the delivery, its webhook and its event (timestamps as strings). */
export interface ClaimedDelivery {
  id: string;
  account_id: string;
  webhook_id: string;
  event_id: string | null;
  attempts: number;
  created_at: string;
  url: string;
  name: string | null;
  method: string;
  content_type: string;
  headers_sealed: string | null;
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: string | null;
  notify_on_failure: boolean;
  event_type: string | null;
  occurred_at: string | null;
  event_data: Record<string, unknown> | null;
}

/**
 * One statement: counting the attempt in the claim makes two runs of one delivery (a retried job racing a manual
 * retry) number their attempts apart instead of both writing attempt N, and the webhook and the event come back
 * with it. A delivery whose webhook is not active is not claimed (a test ping is sent whatever the status).
 */
export const CLAIM_DELIVERY = statement<[deliveryId: string, test: boolean], ClaimedDelivery>(
  'switchyard_claim_delivery',
  `with claimed as (
     update deliveries d set attempts = d.attempts + 1, updated_at = now()
       from webhooks w
      where d.id = $1 and d.status = 'pending' and w.id = d.webhook_id and (w.status = 'active' or $2::boolean)
     returning d.id, d.account_id, d.webhook_id, d.event_id, d.attempts, d.created_at, w.url, w.name, w.method,
               w.content_type, w.headers_sealed, w.secret_sealed, w.previous_secret_sealed,
               w.previous_secret_expires_at, w.notify_on_failure
   )
   select c.*, e.type as event_type, e.occurred_at, e.data as event_data
     from claimed c left join events e on e.id = c.event_id`,
);

/** A pending delivery of a webhook paused or disabled since it was queued: nothing is sent. */
export const CANCEL_DELIVERY = statement<[deliveryId: string], { status: string }>(
  'switchyard_cancel_delivery',
  `update deliveries d set status = 'canceled', last_error = 'The webhook is ' || w.status, next_attempt_at = null,
          completed_at = now(), updated_at = now()
     from webhooks w
    where d.id = $1 and d.status = 'pending' and w.id = d.webhook_id and w.status <> 'active'
   returning w.status`,
);

/** The parameters of one attempt's log row. */
export type AttemptParams = [
  id: string,
  deliveryId: string,
  accountId: string,
  number: number,
  startedAt: Date,
  durationMs: number,
  requestHeaders: string,
  statusCode: number | null,
  responseHeaders: string | null,
  responseBody: string | null,
  responseTruncated: boolean,
  errorCode: string | null,
  error: string | null,
];

/** Logs one attempt (the exchange as sent and answered). */
export const INSERT_ATTEMPT = statement<AttemptParams>(
  'switchyard_insert_delivery_attempt',
  `insert into delivery_attempts (id, delivery_id, account_id, number, started_at, duration_ms, request_headers,
     status_code, response_headers, response_body, response_truncated, error_code, error)
   values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9::jsonb, $10, $11, $12, $13)`,
);

/**
 * The success of an event delivery, in one statement: the attempt's log row (as {@link INSERT_ATTEMPT}), the
 * delivery done, the webhook's failure clock reset; its last success time is written at most once a second, so that
 * many deliveries to one endpoint do not queue on its row.
 */
export const RECORD_SUCCESS = statement<
  [...AttemptParams, statusCode: number | null, completedAt: Date, webhookId: string],
  { n: string }
>(
  'switchyard_record_delivery_success',
  `with attempt as (
     insert into delivery_attempts (id, delivery_id, account_id, number, started_at, duration_ms, request_headers,
       status_code, response_headers, response_body, response_truncated, error_code, error)
     values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9::jsonb, $10, $11, $12, $13)
     returning 1
   ),
   done as (
     update deliveries set status = 'succeeded', last_status_code = $14, last_error = null, next_attempt_at = null,
            completed_at = $15, updated_at = $15
      where id = $2 returning 1
   ),
   hook as (
     update webhooks set failing_since = null, last_success_at = $15::timestamptz
      where id = $16 and (failing_since is not null or last_success_at is null
                         or last_success_at < $15::timestamptz - interval '1 second')
     returning 1
   )
   select (select count(*) from attempt) + (select count(*) from done) + (select count(*) from hook) as n`,
);

/** A delivery finished (a test ping either way, an event delivery that failed for good). */
export const FINISH_DELIVERY = statement<
  [
    deliveryId: string,
    status: 'succeeded' | 'failed',
    statusCode: number | null,
    error: string | null,
    at: Date,
  ]
>(
  'switchyard_finish_delivery',
  `update deliveries set status = $2, last_status_code = $3, last_error = $4, next_attempt_at = null,
          completed_at = $5, updated_at = $5
    where id = $1`,
);

/** A failed attempt with another to come at `next_attempt_at`. */
export const DELAY_DELIVERY = statement<
  [deliveryId: string, statusCode: number | null, error: string | null, nextAttemptAt: Date]
>(
  'switchyard_delay_delivery',
  `update deliveries set last_status_code = $2, last_error = $3, next_attempt_at = $4, updated_at = now()
    where id = $1`,
);

/**
 * Starts the webhook's failure clock unless it runs already, in SQL, not from the row read before the request: a
 * success in between may have reset it.
 */
export const START_FAILURE_CLOCK = statement<
  [now: Date, webhookId: string],
  { failing_since: Date | string }
>(
  'switchyard_start_failure_clock',
  `update webhooks set failing_since = coalesce(failing_since, $1), last_failure_at = $1
    where id = $2 returning failing_since`,
);

/** Disables a webhook once (a webhook already disabled is left alone). */
export const DISABLE_WEBHOOK = statement<[reason: string, at: Date, webhookId: string], { id: string }>(
  'switchyard_disable_webhook',
  `update webhooks set status = 'disabled', disabled_reason = $1, updated_at = $2
    where id = $3 and status <> 'disabled' returning id`,
);

/**
 * Counts a delivery failed for good on the webhook and queues the failed-deliveries notice for when the interval
 * since the last one is over. With `preserve_run_at`, a notice already queued keeps its time: every failure until it
 * runs is in that one notice.
 */
export const COUNT_FAILURE_AND_QUEUE_NOTICE = statement<
  [now: Date, webhookId: string, intervalMs: number, maxAttempts: number, jobKey: string]
>(
  'switchyard_count_failure_and_queue_notice',
  `with counted as (
     update webhooks set failures_unnoticed = failures_unnoticed + 1,
            first_unnoticed_failure_at = coalesce(first_unnoticed_failure_at, $1::timestamptz)
      where id = $2 returning failure_notice_sent_at
   )
   select graphile_worker.add_job(
     identifier => 'send_failure_notice',
     payload => json_build_object('webhook_id', $2::text, 'reason', 'delivery_failed'),
     run_at => greatest(now(), (select failure_notice_sent_at from counted) + $3 * interval '1 millisecond'),
     max_attempts => $4, job_key => $5, job_key_mode => 'preserve_run_at')
   from counted`,
);

/** The webhook a failed-deliveries notice is about. */
export const NOTICE_WEBHOOK = statement<
  [webhookId: string],
  {
    id: string;
    account_id: string;
    url: string;
    name: string | null;
    description: string | null;
    status: string;
    notify_on_failure: boolean;
    failure_notice_sent_at: Date | string | null;
  }
>(
  'switchyard_notice_webhook',
  `select id, account_id, url, name, description, status, notify_on_failure, failure_notice_sent_at
     from webhooks where id = $1`,
);

/** Takes what failed since the last notice and marks the notice sent, unless one went out within the interval. */
export const CLAIM_NOTICE = statement<
  [webhookId: string, intervalMs: number],
  { n: number; first: Date | string; prev: Date | string | null }
>(
  'switchyard_claim_notice',
  `update webhooks w set failures_unnoticed = 0, first_unnoticed_failure_at = null, failure_notice_sent_at = now()
     from (select id, failures_unnoticed as n, first_unnoticed_failure_at as first, failure_notice_sent_at as prev
             from webhooks where id = $1 for update) o
    where w.id = o.id and o.n > 0
      and (o.prev is null or o.prev <= now() - $2 * interval '1 millisecond')
   returning o.n, o.first, o.prev`,
);

/** What is left to notice, and when the last notice went out. */
export const UNNOTICED = statement<[webhookId: string], { n: number; prev: Date | string | null }>(
  'switchyard_unnoticed',
  'select failures_unnoticed as n, failure_notice_sent_at as prev from webhooks where id = $1',
);

/** Queues the notice again for when the interval is over. */
export const REQUEUE_NOTICE = statement<[payload: string, runAt: Date, maxAttempts: number, jobKey: string]>(
  'switchyard_requeue_notice',
  `select graphile_worker.add_job(identifier => 'send_failure_notice', payload => $1::json, run_at => $2,
     max_attempts => $3, job_key => $4, job_key_mode => 'preserve_run_at')`,
);

/** The last delivery of an event that failed for good on the webhook. */
export const LAST_FAILED_DELIVERY = statement<
  [webhookId: string],
  { event_type: string; last_error: string | null }
>(
  'switchyard_last_failed_delivery',
  `select event_type, last_error from deliveries
    where webhook_id = $1 and status = 'failed' and event_id is not null order by id desc limit 1`,
);

/** The send failed: what was taken goes back, so the retry (or the next notice) reports it. */
export const UNCLAIM_NOTICE = statement<
  [n: number, since: Date, previousSentAt: Date | string | null, webhookId: string]
>(
  'switchyard_unclaim_notice',
  `update webhooks set failures_unnoticed = failures_unnoticed + $1,
          first_unnoticed_failure_at = least(coalesce(first_unnoticed_failure_at, $2::timestamptz), $2::timestamptz),
          failure_notice_sent_at = $3
    where id = $4`,
);
