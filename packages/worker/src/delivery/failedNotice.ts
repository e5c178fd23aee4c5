import { JOBS } from '@switchyard/core';
import type { EntityManager } from '@switchyard/server/db';
import { Account, isoUtc, readableInZone } from '@switchyard/server/db';
import type { WorkerDeps } from '../deps.ts';
import { MailError } from '../mail/mailer.ts';
import { notificationAddress } from './notice.ts';

/** The least time between two failed-delivery notices about one webhook (WEBHOOK_FAILURE_NOTICE_INTERVAL). */
export function failureNoticeIntervalMs(env: { WEBHOOK_FAILURE_NOTICE_INTERVAL: number }): number {
  return env.WEBHOOK_FAILURE_NOTICE_INTERVAL;
}

/** The job key of a webhook's pending notice: failures while one is queued share it. */
export function failureNoticeJobKey(webhookId: string): string {
  return `failure-notice:${webhookId}`;
}

// Counts the failure on the webhook and queues the notice for when the interval since the last one is over. With
// `preserve_run_at`, a notice already queued keeps its time: every failure until it runs is in that one notice.
const COUNT_AND_QUEUE = `
  with counted as (
    update webhooks set failures_unnoticed = failures_unnoticed + 1,
           first_unnoticed_failure_at = coalesce(first_unnoticed_failure_at, ?::timestamptz)
     where id = ? returning failure_notice_sent_at
  )
  select graphile_worker.add_job(
    identifier => 'send_failure_notice',
    payload => json_build_object('webhook_id', ?::text, 'reason', 'delivery_failed'),
    run_at => greatest(now(), (select failure_notice_sent_at from counted) + ? * interval '1 millisecond'),
    max_attempts => ?, job_key => ?, job_key_mode => 'preserve_run_at')
  from counted`;

/**
 * A delivery of a `notify_on_failure` webhook failed for good (its last attempt failed): counts it, in the
 * attempt's own transaction, and makes sure a notice is queued.
 */
export async function noteFailedDelivery(
  em: EntityManager,
  deps: WorkerDeps,
  webhookId: string,
  now: Date,
): Promise<void> {
  await em.execute(COUNT_AND_QUEUE, [
    now,
    webhookId,
    webhookId,
    failureNoticeIntervalMs(deps.env),
    JOBS.send_failure_notice.maxAttempts,
    failureNoticeJobKey(webhookId),
  ]);
}

interface Claim {
  n: number;
  first: Date | string;
  prev: Date | string | null;
}

// Takes what failed since the last notice and marks the notice sent, unless one went out within the interval.
const CLAIM = `
  update webhooks w set failures_unnoticed = 0, first_unnoticed_failure_at = null, failure_notice_sent_at = now()
    from (select id, failures_unnoticed as n, first_unnoticed_failure_at as first, failure_notice_sent_at as prev
            from webhooks where id = ? for update) o
   where w.id = o.id and o.n > 0
     and (o.prev is null or o.prev <= now() - ? * interval '1 millisecond')
  returning o.n, o.first, o.prev`;

// The send failed: what was taken goes back, so the retry (or the next notice) reports it.
const UNCLAIM = `
  update webhooks set failures_unnoticed = failures_unnoticed + ?,
         first_unnoticed_failure_at = least(coalesce(first_unnoticed_failure_at, ?::timestamptz), ?::timestamptz),
         failure_notice_sent_at = ?
   where id = ?`;

/** The e-mail about failed deliveries: how many since when, the last one's error, and how to redeliver them. */
export function failedDeliveriesMessage(
  hook: { id: string; url: string; name: string | null; description: string | null; status: string },
  account: Account,
  failed: { count: number; since: Date; last: { event_type: string; last_error: string | null } | null },
  intervalMs: number,
): { subject: string; text: string } {
  const label = hook.name ?? hook.description ?? hook.url;
  const zone = account.timeZone;
  const many = failed.count === 1 ? '1 delivery' : `${failed.count} deliveries`;
  const minutes = Math.round(intervalMs / 60_000);
  const lines = [
    `${many} to your webhook "${label}" failed for good since ${readableInZone(failed.since, zone)}: every attempt was answered with an error, or not at all.`,
    '',
    `URL: ${hook.url}`,
    `Webhook id: ${hook.id}`,
    `Status: ${hook.status}`,
    failed.last ? `Last failure: ${failed.last.event_type}: ${failed.last.last_error ?? 'no answer'}` : null,
    '',
    'See them:',
    `  GET /v1/webhooks/${hook.id}/deliveries?status=failed`,
    'and once the endpoint is fixed, redeliver them:',
    `  POST /v1/webhooks/${hook.id}/recover  {"since": "${isoUtc(failed.since)}"}`,
    '',
    `You get at most one such notice about this webhook every ${minutes >= 1 ? `${minutes} minutes` : `${Math.round(intervalMs / 1000)} seconds`}.`,
  ];
  return {
    subject: `Webhook deliveries failed: ${label}`,
    text: lines.filter((l) => l !== null).join('\n'),
  };
}

/**
 * Sends the failed-deliveries notice of a webhook: what failed for good since the last notice. Nothing is sent
 * (and nothing taken) while the account has no notification address or no mailer is configured; a notice that
 * comes too soon after the last is queued again for when the interval is over. Throws while the SMTP server is
 * unreachable, so the job retries with the failures still counted.
 */
export async function sendFailedDeliveriesNotice(
  deps: WorkerDeps,
  webhookId: string,
): Promise<'sent' | 'nothing_failed' | 'too_soon' | 'not_wanted' | 'no_address' | 'no_mailer'> {
  const em = deps.orm.em.fork();
  const [hook] = await em.execute<
    {
      id: string;
      account_id: string;
      url: string;
      name: string | null;
      description: string | null;
      status: string;
      notify_on_failure: boolean;
      failure_notice_sent_at: Date | string | null;
    }[]
  >(
    `select id, account_id, url, name, description, status, notify_on_failure, failure_notice_sent_at
       from webhooks where id = ?`,
    [webhookId],
  );
  if (!hook?.notify_on_failure) return 'not_wanted';
  const account = await em.findOneOrFail(Account, { id: hook.account_id });
  const to = notificationAddress(account);
  if (!to) {
    deps.logger.warn({ webhookId }, 'deliveries failed; the account has no notification_email');
    return 'no_address';
  }
  if (!deps.mailer) {
    deps.logger.warn(
      { webhookId, to },
      'deliveries failed; SMTP_URL is not set, so no notice e-mail was sent',
    );
    return 'no_mailer';
  }
  const intervalMs = failureNoticeIntervalMs(deps.env);
  const [claim] = await em.execute<Claim[]>(CLAIM, [webhookId, intervalMs]);
  if (!claim) {
    const [left] = await em.execute<{ n: number; prev: Date | string | null }[]>(
      'select failures_unnoticed as n, failure_notice_sent_at as prev from webhooks where id = ?',
      [webhookId],
    );
    if (!left || left.n === 0) return 'nothing_failed';
    // A notice went out within the interval (a race with another run): this one waits for the interval's end.
    const runAt = new Date(new Date(left.prev as string).getTime() + intervalMs);
    await em.execute(
      `select graphile_worker.add_job(identifier => 'send_failure_notice', payload => ?::json, run_at => ?,
         max_attempts => ?, job_key => ?, job_key_mode => 'preserve_run_at')`,
      [
        JSON.stringify({ webhook_id: webhookId, reason: 'delivery_failed' }),
        runAt,
        JOBS.send_failure_notice.maxAttempts,
        failureNoticeJobKey(webhookId),
      ],
    );
    return 'too_soon';
  }
  const since = new Date(claim.first);
  const [last] = await em.execute<{ event_type: string; last_error: string | null }[]>(
    `select event_type, last_error from deliveries
      where webhook_id = ? and status = 'failed' and event_id is not null order by id desc limit 1`,
    [webhookId],
  );
  const { subject, text } = failedDeliveriesMessage(
    hook,
    account,
    { count: claim.n, since, last: last ?? null },
    intervalMs,
  );
  try {
    await deps.mailer.send({ to, subject, text });
  } catch (err) {
    if (err instanceof MailError && !err.retriable) {
      deps.logger.error({ err, webhookId, to }, 'failed-deliveries notice refused by the SMTP server');
      return 'no_address';
    }
    await em.execute(UNCLAIM, [claim.n, since, since, claim.prev, webhookId]);
    throw err;
  }
  deps.logger.info({ webhookId, to, failed: claim.n }, 'failed-deliveries notice sent');
  return 'sent';
}
