import { Account, readableInZone, Webhook } from '@switchyard/server/db';
import type { WorkerDeps } from '../deps.ts';
import { MailError, type Mailer } from '../mail/mailer.ts';

/** The account setting that holds the address system notices go to. */
export const NOTIFICATION_EMAIL_SETTING = 'notification_email';

/** The address an account's notices go to, or null when it has none. */
export function notificationAddress(account: Account): string | null {
  const v = account.settings[NOTIFICATION_EMAIL_SETTING];
  return typeof v === 'string' && v.includes('@') ? v : null;
}

/**
 * Where a notice about a webhook goes, and the mailer that sends it; or why none can go (`no_address`, `no_mailer`),
 * logged as a warning that starts with what happened (`what`, e.g. "webhook disabled"), `log` its context.
 */
export function noticeRecipient(
  deps: WorkerDeps,
  account: Account,
  what: string,
  log: { webhookId: string; accountId?: string },
): { to: string; mailer: Mailer } | 'no_address' | 'no_mailer' {
  const to = notificationAddress(account);
  if (!to) {
    deps.logger.warn(log, `${what}; the account has no notification_email`);
    return 'no_address';
  }
  if (!deps.mailer) {
    deps.logger.warn(
      { webhookId: log.webhookId, to },
      `${what}; SMTP_URL is not set, so no notice e-mail was sent`,
    );
    return 'no_mailer';
  }
  return { to, mailer: deps.mailer };
}

/**
 * Sends a notice (`what`, e.g. "failure notice") about a webhook: `sent`, or `no_address` when the SMTP server
 * refuses it for good (a bad address will not pass on a retry: logged, and the job finishes). While the server is
 * unreachable it throws, after `undo`, so that the job retries. `sentLog` adds to the log line of a success.
 */
export async function sendNotice(
  deps: WorkerDeps,
  { to, mailer }: { to: string; mailer: Mailer },
  mail: { subject: string; text: string },
  what: string,
  webhookId: string,
  opts: { undo?: () => Promise<unknown>; sentLog?: Record<string, unknown> } = {},
): Promise<'sent' | 'no_address'> {
  try {
    await mailer.send({ to, ...mail });
  } catch (err) {
    if (err instanceof MailError && !err.retriable) {
      deps.logger.error({ err, webhookId, to }, `${what} refused by the SMTP server`);
      return 'no_address';
    }
    await opts.undo?.();
    throw err;
  }
  deps.logger.info({ webhookId, to, ...opts.sentLog }, `${what} sent`);
  return 'sent';
}

/** The e-mail that tells an account its webhook was disabled: what, why, since when, and how to recover. */
export function failureNoticeMessage(hook: Webhook, account: Account): { subject: string; text: string } {
  const label = hook.name ?? hook.description ?? hook.url;
  const zone = account.timeZone;
  const lines = [
    `Your webhook "${label}" was disabled and receives no more deliveries.`,
    '',
    `URL: ${hook.url}`,
    `Webhook id: ${hook.id}`,
    `Reason: ${hook.disabledReason ?? 'it kept failing'}`,
    hook.failingSince ? `Failing since: ${readableInZone(hook.failingSince, zone)}` : null,
    hook.lastSuccessAt ? `Last success: ${readableInZone(hook.lastSuccessAt, zone)}` : 'Last success: never',
    '',
    'To resume it, fix the endpoint, then:',
    `  PATCH /v1/webhooks/${hook.id}  {"active": true}`,
    'and redeliver what it missed:',
    `  POST /v1/webhooks/${hook.id}/recover  {"since": "<ISO time>"}`,
  ];
  return {
    subject: `Webhook disabled: ${label}`,
    text: lines.filter((l) => l !== null).join('\n'),
  };
}

/**
 * Sends the disabled-webhook notice for `webhookId` to its account's notification address through the system
 * mailer. Returns what happened; throws a retriable error while the SMTP server is unreachable, so the job retries.
 */
export async function sendFailureNotice(
  deps: WorkerDeps,
  webhookId: string,
): Promise<'sent' | 'no_address' | 'no_mailer' | 'not_disabled'> {
  const em = deps.orm.em.fork();
  const hook = await em.findOne(Webhook, { id: webhookId });
  // Re-enabled (or deleted) since the job was queued: nothing to tell.
  if (hook?.status !== 'disabled') return 'not_disabled';
  const account = await em.findOneOrFail(Account, { id: hook.accountId });
  const recipient = noticeRecipient(deps, account, 'webhook disabled', { webhookId, accountId: account.id });
  if (typeof recipient === 'string') return recipient;
  return sendNotice(deps, recipient, failureNoticeMessage(hook, account), 'failure notice', webhookId);
}
