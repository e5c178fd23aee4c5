import { buildSignedRequest, type DeliveryPayload, loggableHeaders } from '@switchyard/core';
import { deliveryJobKey, enqueueJob, openHeaders, run, runOne, signingSecrets } from '@switchyard/server/db';
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
import {
  type AttemptParams,
  CANCEL_DELIVERY,
  CLAIM_DELIVERY,
  type ClaimedDelivery,
  DELAY_DELIVERY,
  FINISH_DELIVERY,
  INSERT_ATTEMPT,
  RECORD_SUCCESS,
  START_FAILURE_CLOCK,
} from './sql.ts';

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
  const skipped: AttemptOutcome = { result: 'skipped', statusCode: null, error: null, nextAttemptAt: null };
  const row = await runOne(deps.pool, CLAIM_DELIVERY, [deliveryId, opts.test === true]);
  if (!row) {
    if (opts.test) return skipped;
    const canceled = await runOne(deps.pool, CANCEL_DELIVERY, [deliveryId]);
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

  const attemptParams: AttemptParams = [
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
    await run(deps.pool, RECORD_SUCCESS, [...attemptParams, res?.status ?? null, now, hook.id]);
    return { result: 'succeeded', statusCode: res?.status ?? null, error: null, nextAttemptAt: null };
  }

  return deps.orm.em.fork().transactional(async (tem) => {
    await run(tem, INSERT_ATTEMPT, attemptParams);
    const done = (status: 'succeeded' | 'failed') =>
      run(tem, FINISH_DELIVERY, [deliveryId, status, res?.status ?? null, error, now]);

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
    const clock = await runOne(tem, START_FAILURE_CLOCK, [now, hook.id]);
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
    await run(tem, DELAY_DELIVERY, [deliveryId, res?.status ?? null, error, nextAttemptAt]);
    await enqueueJob(
      tem,
      'deliver_webhook',
      { delivery_id: deliveryId },
      { runAt: nextAttemptAt, jobKey: deliveryJobKey(deliveryId) },
    );
    return { result: 'retrying', statusCode: res?.status ?? null, error, nextAttemptAt };
  });
}
