import { z } from 'zod';
import { apiObject } from '../apiObject.ts';
import { PageInput } from '../pagination.ts';
import { timestampShape } from '../time.ts';

const DeliveryStatus = z.enum(['pending', 'succeeded', 'failed', 'canceled', 'skipped']);

/** `GET /v1/webhooks/{id}/deliveries`: newest first, optionally one status. */
export const ListDeliveriesInput = PageInput.extend({
  id: z.uuid().describe('The webhook'),
  status: DeliveryStatus.optional(),
});
export type ListDeliveriesInput = z.infer<typeof ListDeliveriesInput>;

/** Addresses one delivery. */
export const DeliveryIdInput = z.object({ id: z.uuid() });

/** `POST /v1/webhooks/{id}/recover`: redeliver the failed (and canceled) deliveries made since a time. */
export const RecoverInput = z.object({
  id: z.uuid().describe('The webhook'),
  since: z.iso
    .datetime({ offset: true })
    .describe('Redeliver failures of deliveries created at or after this time'),
  until: z.iso.datetime({ offset: true }).optional(),
});
export type RecoverInput = z.infer<typeof RecoverInput>;

/** One HTTP attempt. */
export const AttemptOutput = z.object({
  number: z.number().int(),
  status_code: z.number().int().nullable(),
  duration_ms: z.number().int(),
  request_headers: z.record(z.string(), z.string()),
  response_headers: z.record(z.string(), z.string()).nullable(),
  response_body: z.string().nullable().describe('Cut at 20 KB'),
  response_truncated: z.boolean(),
  error_code: z.string().nullable(),
  error: z.string().nullable(),
  ...timestampShape('started'),
});
export type AttemptOutput = z.infer<typeof AttemptOutput>;

/** The delivery object (with its attempts when fetched alone). */
export const DeliveryOutput = apiObject('delivery', {
  webhook_id: z.string(),
  event_id: z.string().nullable(),
  event_type: z.string(),
  status: DeliveryStatus,
  attempts_count: z.number().int(),
  last_status_code: z.number().int().nullable(),
  last_error: z.string().nullable(),
  ...timestampShape('created'),
  ...timestampShape('next_attempt', true),
  ...timestampShape('completed', true),
  attempts: z.array(AttemptOutput).optional(),
});
export type DeliveryOutput = z.infer<typeof DeliveryOutput>;

/** How many deliveries a recovery queued again. */
export const RecoverResponse = z.object({ data: z.object({ queued: z.number().int() }) });
