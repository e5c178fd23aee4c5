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
