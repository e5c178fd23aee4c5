import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { accountOwned, timestamps } from './columns.ts';

/** Whether a webhook receives deliveries: `paused` by its owner or a failed test, `disabled` by failures. */
export type WebhookStatus = 'active' | 'paused' | 'disabled';

/** A webhook subscription. Secrets and custom headers are sealed with the server's secret box. */
export const Webhook = defineEntity({
  name: 'Webhook',
  tableName: 'webhooks',
  properties: {
    ...accountOwned(),
    /** The end user who owns it (it then receives only that user's events); null: the account's own. */
    userKey: p.text().nullable(),
    url: p.text(),
    name: p.string().nullable(),
    description: p.string().nullable(),
    /** Event types and wildcards (`deal.*`, `*`). */
    events: p.json<string[]>(),
    /** A core condition on the event; null delivers every matching type. */
    filters: p.json<unknown>().nullable(),
    method: p.string().default('POST'),
    contentType: p.string().default('application/json'),
    headersSealed: p.text().nullable(),
    status: p.string().$type<WebhookStatus>().default('active'),
    disabledReason: p.text().nullable(),
    notifyOnFailure: p.boolean().default(false),
    secretSealed: p.text(),
    /** The secret before the last rotation: it keeps signing until `previousSecretExpiresAt`. */
    previousSecretSealed: p.text().nullable(),
    previousSecretExpiresAt: p.datetime().nullable(),
    /** Start of the current run of failures (null after a success): disabling counts from here. */
    failingSince: p.datetime().nullable(),
    lastSuccessAt: p.datetime().nullable(),
    lastFailureAt: p.datetime().nullable(),
    /** When the last `notify_on_failure` notice about failed deliveries went out (at most one per interval). */
    failureNoticeSentAt: p.datetime().nullable(),
    /** Deliveries that failed for good since that notice, and when the first of them did. */
    failuresUnnoticed: p.integer().default(0),
    firstUnnoticedFailureAt: p.datetime().nullable(),
    ...timestamps(),
  },
  // A URL is unique per owner (account_id, coalesce(user_key, ''), url): an expression index, in the migration.
});
export type Webhook = InferEntity<typeof Webhook>;
