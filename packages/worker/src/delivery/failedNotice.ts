import { JOBS } from '@switchyard/core';
import type { EntityManager } from '@switchyard/server/db';
import { Account, isoUtc, readableInZone, run, runOne } from '@switchyard/server/db';
import type { WorkerDeps } from '../deps.ts';
import { noticeRecipient, sendNotice } from './notice.ts';
import {
  CLAIM_NOTICE,
  COUNT_FAILURE_AND_QUEUE_NOTICE,
  LAST_FAILED_DELIVERY,
  NOTICE_WEBHOOK,
  REQUEUE_NOTICE,
  UNCLAIM_NOTICE,
  UNNOTICED,
} from './sql.ts';

/** The least time between two failed-delivery notices about one webhook (WEBHOOK_FAILURE_NOTICE_INTERVAL). */
export function failureNoticeIntervalMs(env: { WEBHOOK_FAILURE_NOTICE_INTERVAL: number }): number {
  return env.WEBHOOK_FAILURE_NOTICE_INTERVAL;
}

/** The job key of a webhook's pending notice: failures while one is queued share it. */
export function failureNoticeJobKey(webhookId: string): string {
  return `failure-notice:${webhookId}`;
}

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
  await run(em, COUNT_FAILURE_AND_QUEUE_NOTICE, [
    now,
    webhookId,
    failureNoticeIntervalMs(deps.env),
    JOBS.send_failure_notice.maxAttempts,
    failureNoticeJobKey(webhookId),
  ]);
}

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
  const hook = await runOne(em, NOTICE_WEBHOOK, [webhookId]);
  if (!hook?.notify_on_failure) return 'not_wanted';
  const account = await em.findOneOrFail(Account, { id: hook.account_id });
  const recipient = noticeRecipient(deps, account, 'deliveries failed', { webhookId });
  if (typeof recipient === 'string') return recipient;
  const intervalMs = failureNoticeIntervalMs(deps.env);
  const claim = await runOne(em, CLAIM_NOTICE, [webhookId, intervalMs]);
  if (!claim) {
    const left = await runOne(em, UNNOTICED, [webhookId]);
    if (!left || left.n === 0) return 'nothing_failed';
    // A notice went out within the interval (a race with another run): this one waits for the interval's end.
    const runAt = new Date(new Date(left.prev as string).getTime() + intervalMs);
    await run(em, REQUEUE_NOTICE, [
      JSON.stringify({ webhook_id: webhookId, reason: 'delivery_failed' }),
      runAt,
      JOBS.send_failure_notice.maxAttempts,
      failureNoticeJobKey(webhookId),
    ]);
    return 'too_soon';
  }
  const since = new Date(claim.first);
  const last = await runOne(em, LAST_FAILED_DELIVERY, [webhookId]);
  const mail = failedDeliveriesMessage(
    hook,
    account,
    { count: claim.n, since, last: last ?? null },
    intervalMs,
  );
  return sendNotice(deps, recipient, mail, 'failed-deliveries notice', webhookId, {
    // The failures count again for the next try.
    undo: () => run(em, UNCLAIM_NOTICE, [claim.n, since, claim.prev, webhookId]),
    sentLog: { failed: claim.n },
  });
}
