import { buildSignedRequest, type DeliveryPayload, loggableHeaders } from '@switchyard/core';
import type { EntityManager } from '@switchyard/server/db';
import { Delivery, deliveryJobKey, enqueueJob, openHeaders, signingSecrets } from '@switchyard/server/db';
import { uuidv7 } from 'uuidv7';
import type { WorkerDeps } from '../deps.ts';
import {
  isOutboundError,
  type OutboundError as OutboundErrorLike,
  type OutboundResponse as OutboundResponseLike,
} from '../outbound/client.ts';
import { disableWebhook } from './disable.ts';
import { noteFailedDelivery } from './failedNotice.ts';
import { nextRetryDelay, parseRetryAfter, retryPolicyFromEnv } from './schedule.ts';

/** What one attempt came to. */
export interface AttemptOutcome {
  /** `skipped`: nothing was sent (the delivery was done already, or its webhook is not active). */
  result: 'succeeded' | 'retrying' | 'failed' | 'skipped';
  statusCode: number | null;
  error: string | null;
  nextAttemptAt: Date | null;
}

/** Options of {@link attemptDelivery}. */
export interface AttemptOptions {
  /** A test ping: one attempt, no retry, no effect on the webhook's failure count. */
  test?: boolean;
  /** Source of jitter (tests may fix it). */
  random?: () => number;
  /** The caller's EntityManager (e.g. an API request's transaction, so an uncommitted webhook is visible). */
  em?: EntityManager;
}

/** What the claim reads in the same statement: the delivery, its webhook and its event. */
interface ClaimedDelivery {
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

// One statement: counting the attempt in the claim makes two runs of one delivery (a retried job racing a manual
// retry) number their attempts apart instead of both writing attempt N, and the webhook and the event come back
// with it. A delivery whose webhook is not active is not claimed (a test ping is sent whatever the status).
const CLAIM = `
  with claimed as (
    update deliveries d set attempts = d.attempts + 1, updated_at = now()
      from webhooks w
     where d.id = $1 and d.status = 'pending' and w.id = d.webhook_id and (w.status = 'active' or $2::boolean)
    returning d.id, d.account_id, d.webhook_id, d.event_id, d.attempts, d.created_at, w.url, w.name, w.method,
              w.content_type, w.headers_sealed, w.secret_sealed, w.previous_secret_sealed,
              w.previous_secret_expires_at, w.notify_on_failure
  )
  select c.*, e.type as event_type, e.occurred_at, e.data as event_data
    from claimed c left join events e on e.id = c.event_id`;

// A pending delivery of a webhook paused or disabled since it was queued: nothing is sent.
const CANCEL = `
  update deliveries d set status = 'canceled', last_error = 'The webhook is ' || w.status, next_attempt_at = null,
         completed_at = now(), updated_at = now()
    from webhooks w
   where d.id = $1 and d.status = 'pending' and w.id = d.webhook_id and w.status <> 'active'
  returning w.status`;

const INSERT_ATTEMPT = `
  insert into delivery_attempts (id, delivery_id, account_id, number, started_at, duration_ms, request_headers,
    status_code, response_headers, response_body, response_truncated, error_code, error)
  values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9::jsonb, $10, $11, $12, $13)`;

// The success of an event delivery, in one statement. The webhook's failure clock is reset; its last success time
// is written at most once a second, so that many deliveries to one endpoint do not queue on its row.
const RECORD_SUCCESS = `
  with attempt as (${INSERT_ATTEMPT} returning 1),
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
  select (select count(*) from attempt) + (select count(*) from done) + (select count(*) from hook) as n`;

/** A statement written with `$1`, `$2`, … as the ORM takes it: `?` placeholders and their values in order. */
function positional(sql: string, params: readonly unknown[]): [string, unknown[]] {
  const values: unknown[] = [];
  const text = sql.replace(/\$(\d+)/g, (_m, n: string) => {
    values.push(params[Number(n) - 1]);
    return '?';
  });
  return [text, values];
}

type StatementRunner = <R>(name: string, sql: string, params: unknown[]) => Promise<R[]>;

/**
 * How the hot statements of an attempt run: on the caller's EntityManager when given (a test ping inside an API
 * request's transaction), else as named statements on the plain pool, planned once per connection.
 */
function statementRunner(deps: WorkerDeps, em: EntityManager | undefined): StatementRunner {
  if (em)
    return <R>(_name: string, sql: string, params: unknown[]) => em.execute<R[]>(...positional(sql, params));
  return async <R>(name: string, text: string, values: unknown[]) =>
    (await deps.pool.query({ name, text, values })).rows as R[];
}

// The test ping's payload, which belongs to no event.
function testPayload(row: ClaimedDelivery): DeliveryPayload {
  return {
    type: 'webhook.test',
    timestamp: new Date(row.created_at).toISOString(),
    data: { webhook_id: row.webhook_id, message: 'A test delivery from Switchyard' },
  };
}

function describeStatus(res: OutboundResponseLike): string {
  return `HTTP ${res.status}`;
}

/**
 * Makes one attempt of a delivery and records it: the HTTP exchange (status, duration, response headers, body cut
 * at 20 KB, error) as a DeliveryAttempt, then the delivery's new state. A failure schedules the next attempt on the
 * retry schedule (a 429's Retry-After taken as the least delay), 410 disables the webhook, and an endpoint failing
 * for longer than the configured days is disabled (a `webhook.disabled` event and, if asked, an e-mail). A delivery
 * that fails for good on a `notify_on_failure` webhook is counted for the next failed-deliveries notice.
 */
export async function attemptDelivery(
  deps: WorkerDeps,
  deliveryId: string,
  opts: AttemptOptions = {},
): Promise<AttemptOutcome> {
  const em = opts.em ?? deps.orm.em.fork();
  const skipped: AttemptOutcome = { result: 'skipped', statusCode: null, error: null, nextAttemptAt: null };
  const run = statementRunner(deps, opts.em);
  const [row] = await run<ClaimedDelivery>('switchyard_claim_delivery', CLAIM, [
    deliveryId,
    opts.test === true,
  ]);
  if (!row) {
    if (opts.test) return skipped;
    const [canceled] = await em.execute<{ status: string }[]>(...positional(CANCEL, [deliveryId]));
    return canceled ? { ...skipped, error: `The webhook is ${canceled.status}` } : skipped;
  }
  const hook = {
    id: row.webhook_id,
    accountId: row.account_id,
    url: row.url,
    name: row.name,
    notifyOnFailure: row.notify_on_failure,
  };
  const payload: DeliveryPayload =
    row.event_id && row.event_type
      ? {
          type: row.event_type,
          timestamp: new Date(row.occurred_at as string).toISOString(),
          data: row.event_data ?? {},
        }
      : testPayload(row);

  const startedAt = new Date();
  const box = deps.secretBox;
  const customHeaders = openHeaders({ headersSealed: row.headers_sealed }, box);
  const req = buildSignedRequest({
    deliveryId,
    url: row.url,
    method: row.method,
    contentType: row.content_type,
    customHeaders,
    payload,
    secrets: signingSecrets(
      {
        secretSealed: row.secret_sealed,
        previousSecretSealed: row.previous_secret_sealed,
        previousSecretExpiresAt: row.previous_secret_expires_at
          ? new Date(row.previous_secret_expires_at)
          : null,
      },
      box,
      startedAt,
    ),
    now: startedAt,
  });
  let res: OutboundResponseLike | null = null;
  let failure: OutboundErrorLike | Error | null = null;
  const t0 = performance.now();
  try {
    res = await deps.outbound.send({ ...req, timeoutMs: deps.env.WEBHOOK_TIMEOUT_SECONDS * 1000 });
  } catch (err) {
    failure = err instanceof Error ? err : new Error(String(err));
  }
  const durationMs =
    res?.durationMs ?? (isOutboundError(failure) ? failure.durationMs : performance.now() - t0);
  const now = new Date();
  const ok = res !== null && res.status >= 200 && res.status < 300;
  const error = ok ? null : res ? describeStatus(res) : (failure?.message ?? 'unknown error');

  const attemptParams = [
    uuidv7(),
    deliveryId,
    row.account_id,
    row.attempts,
    startedAt,
    Math.round(durationMs),
    JSON.stringify(loggableHeaders(req, customHeaders)),
    res?.status ?? null,
    res ? JSON.stringify(res.headers) : null,
    res?.body ?? null,
    res?.truncated ?? false,
    isOutboundError(failure) ? failure.code : null,
    ok ? null : error,
  ];

  if (ok && !opts.test) {
    // The common case in one round trip.
    await run('switchyard_record_delivery_success', RECORD_SUCCESS, [
      ...attemptParams,
      res?.status ?? null,
      now,
      hook.id,
    ]);
    return { result: 'succeeded', statusCode: res?.status ?? null, error: null, nextAttemptAt: null };
  }

  return em.transactional(async (tem) => {
    await tem.execute(...positional(INSERT_ATTEMPT, attemptParams));
    const done = (status: 'succeeded' | 'failed') =>
      tem.nativeUpdate(
        Delivery,
        { id: deliveryId },
        {
          status,
          lastStatusCode: res?.status ?? null,
          lastError: error,
          nextAttemptAt: null,
          completedAt: now,
        },
      );

    if (ok) {
      // A test ping: it says nothing about the endpoint's failure clock.
      await done('succeeded');
      return { result: 'succeeded', statusCode: res?.status ?? null, error: null, nextAttemptAt: null };
    }
    const failed: AttemptOutcome = {
      result: 'failed',
      statusCode: res?.status ?? null,
      error,
      nextAttemptAt: null,
    };
    if (opts.test) {
      await done('failed');
      return failed;
    }

    const policy = retryPolicyFromEnv(deps.env);
    // In SQL, not from the row read before the request: a success in between may have reset the clock.
    const [clock] = await tem.execute<{ failing_since: Date | string }[]>(
      `update webhooks set failing_since = coalesce(failing_since, ?), last_failure_at = ?
       where id = ? returning failing_since`,
      [now, now, hook.id],
    );
    const failingSince = clock ? new Date(clock.failing_since) : now;
    if (res?.status === 410) {
      await done('failed');
      await disableWebhook(tem, deps, hook, 'The endpoint answered 410 Gone');
      return failed;
    }
    if (now.getTime() - failingSince.getTime() >= policy.disableAfterMs) {
      await done('failed');
      await disableWebhook(tem, deps, hook, `Every delivery failed since ${failingSince.toISOString()}`);
      return failed;
    }
    const retriable = !isOutboundError(failure) || failure.retriable;
    const retryAfter = res?.status === 429 ? parseRetryAfter(res.headers['retry-after'], now) : 0;
    const delay = retriable
      ? nextRetryDelay(policy, row.attempts, (opts.random ?? Math.random)(), retryAfter)
      : null;
    if (delay === null) {
      // Failed for good: a notify_on_failure webhook's owner hears of it (at most one notice per interval).
      await done('failed');
      deps.logger.warn(
        { deliveryId, webhookId: hook.id, attempts: row.attempts, error },
        'delivery failed for good',
      );
      if (hook.notifyOnFailure) await noteFailedDelivery(tem, deps, hook.id, now);
      return failed;
    }
    const nextAttemptAt = new Date(now.getTime() + delay);
    await tem.nativeUpdate(
      Delivery,
      { id: deliveryId },
      { lastStatusCode: res?.status ?? null, lastError: error, nextAttemptAt },
    );
    await enqueueJob(
      tem,
      'deliver_webhook',
      { delivery_id: deliveryId },
      { runAt: nextAttemptAt, jobKey: deliveryJobKey(deliveryId) },
    );
    return { result: 'retrying', statusCode: res?.status ?? null, error, nextAttemptAt };
  });
}
