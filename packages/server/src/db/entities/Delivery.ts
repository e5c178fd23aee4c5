import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { accountOwned, timestamps } from './columns.ts';

/** Where a delivery stands: `pending` (queued or waiting to retry), `succeeded`, `failed`, `canceled`. */
/** `skipped`: nothing was sent (the webhook's filter could not be evaluated; `last_error` says why). */
export type DeliveryStatus = 'pending' | 'succeeded' | 'failed' | 'canceled' | 'skipped';

/** One event to one webhook, created in the event's own transaction; its attempts are DeliveryAttempts. */
export const Delivery = defineEntity({
  name: 'Delivery',
  tableName: 'deliveries',
  properties: {
    ...accountOwned(),
    webhookId: p.uuid(),
    /** Null for a test ping. */
    eventId: p.uuid().nullable(),
    eventType: p.string(),
    status: p.string().$type<DeliveryStatus>().default('pending'),
    attempts: p.integer().default(0),
    nextAttemptAt: p.datetime().nullable(),
    lastStatusCode: p.integer().nullable(),
    lastError: p.text().nullable(),
    ...timestamps(),
    completedAt: p.datetime().nullable(),
  },
});
export type Delivery = InferEntity<typeof Delivery>;
