import type { Account, Webhook } from '../db/entities/index.ts';
import { readableInZone } from '../time.ts';

/** The account setting that holds the address system notices go to. */
export const NOTIFICATION_EMAIL_SETTING = 'notification_email';

/** The address an account's notices go to, or null when it has none. */
export function notificationAddress(account: Account): string | null {
  const v = account.settings[NOTIFICATION_EMAIL_SETTING];
  return typeof v === 'string' && v.includes('@') ? v : null;
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
