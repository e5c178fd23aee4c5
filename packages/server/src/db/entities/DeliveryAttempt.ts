import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { uuidId } from './columns.ts';

/** One HTTP attempt of a delivery: what was sent and what came back (body cut at 20 KB). */
export const DeliveryAttempt = defineEntity({
  name: 'DeliveryAttempt',
  tableName: 'delivery_attempts',
  properties: {
    ...uuidId(),
    deliveryId: p.uuid(),
    accountId: p.uuid(),
    number: p.integer(),
    startedAt: p.datetime(),
    durationMs: p.integer(),
    requestHeaders: p.json<Record<string, string>>(),
    statusCode: p.integer().nullable(),
    responseHeaders: p.json<Record<string, string>>().nullable(),
    responseBody: p.text().nullable(),
    responseTruncated: p.boolean().default(false),
    errorCode: p.string().nullable(),
    error: p.text().nullable(),
  },
});
export type DeliveryAttempt = InferEntity<typeof DeliveryAttempt>;
