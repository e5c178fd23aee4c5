import { statement } from '../db/statement.ts';

// The statements of webhooks that the ORM does not express plainly.

/**
 * Inserts a webhook unless its owner (the account, or one end user) has that URL already: the only unique index a
 * new id can meet, so no row back means a duplicate URL. Events and filters go as JSON text.
 */
export const INSERT_WEBHOOK = statement<
  [
    id: string,
    accountId: string,
    userKey: string | null,
    url: string,
    name: string | null,
    description: string | null,
    events: string,
    filters: string | null,
    method: string,
    contentType: string,
    headersSealed: string | null,
    status: 'active' | 'paused',
    notifyOnFailure: boolean,
    secretSealed: string,
  ],
  { id: string }
>(
  'webhooks_insert',
  `insert into webhooks (id, account_id, user_key, url, name, description, events, filters, method, content_type,
     headers_sealed, status, notify_on_failure, secret_sealed, created_at, updated_at)
   values ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10, $11, $12, $13, $14, now(), now())
   on conflict do nothing returning id`,
);

/** The delivery record of a test ping (no event). */
export const INSERT_TEST_DELIVERY = statement<[id: string, accountId: string, webhookId: string]>(
  'webhooks_insert_test_delivery',
  `insert into deliveries (id, account_id, webhook_id, event_id, event_type, status, attempts, created_at, updated_at)
   values ($1, $2, $3, null, 'webhook.test', 'pending', 0, now(), now())`,
);
