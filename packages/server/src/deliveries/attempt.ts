import { uuidv7 } from 'uuidv7';
import { enqueueJob } from '../db/enqueue.ts';
import { Delivery, Event, Webhook } from '../db/entities/index.ts';
import type { EntityManager } from '../db/orm.ts';
import type { ServerDeps } from '../deps.ts';
import { openHeaders, signingSecrets } from '../webhooks/secrets.ts';
import { disableWebhook } from './disable.ts';
import { deliveryJobKey } from './fanOut.ts';
import { buildSignedRequest, type DeliveryPayload, loggableHeaders } from './payload.ts';
import {
  isOutboundError,
  type OutboundErrorLike,
  type OutboundResponseLike,
  outboundOf,
  secretBoxOf,
} from './ports.ts';
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

// The payload of a test ping, which belongs to no event.
function testPayload(delivery: Delivery, hook: Webhook): DeliveryPayload {
  return {
    type: 'webhook.test',
    timestamp: delivery.createdAt.toISOString(),
    data: { webhook_id: hook.id, message: 'A test delivery from Switchyard' },
  };
}

async function claim(em: EntityManager, deliveryId: string): Promise<{ attempts: number } | null> {
  // Counting the attempt in the claim makes two runs of one delivery (a retried job racing a manual retry) number
  // their attempts apart instead of both writing attempt N.
  const [row] = await em.execute<{ attempts: number }[]>(
    `update deliveries set attempts = attempts + 1, updated_at = now()
     where id = ? and status = 'pending' returning attempts`,
    [deliveryId],
  );
  return row ?? null;
}

function describeStatus(res: OutboundResponseLike): string {
  return `HTTP ${res.status}`;
}

/**
 * Makes one attempt of a delivery and records it: the HTTP exchange (status, duration, response headers, body cut
 * at 20 KB, error) as a DeliveryAttempt, then the delivery's new state. A failure schedules the next attempt on the
 * retry schedule (a 429's Retry-After taken as the least delay), 410 disables the webhook, and an endpoint failing
 * for longer than the configured days is disabled (a `webhook.disabled` event and, if asked, an e-mail).
 */
export async function attemptDelivery(
  deps: ServerDeps,
  deliveryId: string,
  opts: AttemptOptions = {},
): Promise<AttemptOutcome> {
  const em = opts.em ?? deps.orm.em.fork();
  const skipped: AttemptOutcome = { result: 'skipped', statusCode: null, error: null, nextAttemptAt: null };
  const claimed = await claim(em, deliveryId);
  if (!claimed) return skipped;
  const delivery = await em.findOneOrFail(Delivery, { id: deliveryId });
  const hook = await em.findOne(Webhook, { id: delivery.webhookId });
  if (!hook) return skipped;
  if (hook.status !== 'active' && !opts.test) {
    await em.nativeUpdate(
      Delivery,
      { id: deliveryId },
      {
        status: 'canceled',
        lastError: `The webhook is ${hook.status}`,
        nextAttemptAt: null,
        completedAt: new Date(),
      },
    );
    return { ...skipped, error: `The webhook is ${hook.status}` };
  }
  let payload: DeliveryPayload;
  if (delivery.eventId) {
    const event = await em.findOneOrFail(Event, { id: delivery.eventId });
    payload = { type: event.type, timestamp: event.occurredAt.toISOString(), data: event.data };
  } else {
    payload = testPayload(delivery, hook);
  }

  const startedAt = new Date();
  const box = secretBoxOf(deps);
  const customHeaders = openHeaders(hook, box);
  const req = buildSignedRequest({
    deliveryId,
    url: hook.url,
    method: hook.method,
    contentType: hook.contentType,
    customHeaders,
    payload,
    secrets: signingSecrets(hook, box, startedAt),
    now: startedAt,
  });
  let res: OutboundResponseLike | null = null;
  let failure: OutboundErrorLike | Error | null = null;
  const t0 = performance.now();
  try {
    res = await outboundOf(deps).send(req);
  } catch (err) {
    failure = err instanceof Error ? err : new Error(String(err));
  }
  const durationMs =
    res?.durationMs ?? (isOutboundError(failure) ? failure.durationMs : performance.now() - t0);
  const now = new Date();
  const ok = res !== null && res.status >= 200 && res.status < 300;
  const error = ok ? null : res ? describeStatus(res) : (failure?.message ?? 'unknown error');

  return em.transactional(async (tem) => {
    await tem.execute(
      `insert into delivery_attempts (id, delivery_id, account_id, number, started_at, duration_ms, request_headers,
         status_code, response_headers, response_body, response_truncated, error_code, error)
       values (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?::jsonb, ?, ?, ?, ?)`,
      [
        uuidv7(),
        deliveryId,
        delivery.accountId,
        claimed.attempts,
        startedAt,
        Math.round(durationMs),
        JSON.stringify(loggableHeaders(req, customHeaders)),
        res?.status ?? null,
        res ? JSON.stringify(res.headers) : null,
        res?.body ?? null,
        res?.truncated ?? false,
        isOutboundError(failure) ? failure.code : null,
        ok ? null : error,
      ],
    );
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
      await done('succeeded');
      if (!opts.test) {
        await tem.nativeUpdate(Webhook, { id: hook.id }, { failingSince: null, lastSuccessAt: now });
      }
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
      ? nextRetryDelay(policy, claimed.attempts, (opts.random ?? Math.random)(), retryAfter)
      : null;
    if (delay === null) {
      await done('failed');
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
