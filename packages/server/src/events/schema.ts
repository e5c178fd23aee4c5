import { EVENT_NAME_RULE } from '@switchyard/core';
import { z } from 'zod';
import { apiObject } from '../apiObject.ts';
import { PageInput } from '../pagination.ts';
import { timestampShape } from '../time.ts';
import { UserKey } from '../users/schema.ts';

/** Most events in one `POST /v1/events/batch`. */
export const MAX_BATCH_EVENTS = 1000;

/** One event as the host reports it. */
export const EventInput = z.object({
  id: z
    .string()
    .min(1)
    .max(255)
    .optional()
    .describe('Your own id of the event: a resend with the same id is accepted once (deduplicated)'),
  type: z
    .string()
    .min(1)
    .max(100)
    .describe(
      `The event name: a catalog type such as \`deal.updated\`, or any name of your own (${EVENT_NAME_RULE})`,
    ),
  entity: z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe('The entity; defaults to the part of `type` before the dot'),
  entity_id: z
    .union([z.string().min(1).max(255), z.number()])
    .transform(String)
    .optional()
    .describe('The entity’s id in your app; defaults to `data.id`'),
  data: z.record(z.string(), z.unknown()).default({}).describe('The entity now'),
  previous: z
    .record(z.string(), z.unknown())
    .nullable()
    .optional()
    .describe('The entity before; when absent, the last snapshot Switchyard kept of it'),
  user_key: UserKey.default('main').describe(
    'The user the event belongs to (default main); a user that does not exist yet is created',
  ),
  occurred_at: z.iso.datetime({ offset: true }).optional().describe('When it happened; defaults to now'),
  caused_by: z
    .array(z.uuid())
    .max(50)
    .optional()
    .describe('Ids of the executions whose actions caused this event (loop guard)'),
});
export type EventInput = z.infer<typeof EventInput>;

/** `POST /v1/events/batch`. */
export const EventBatchInput = z.object({ events: z.array(EventInput).min(1).max(MAX_BATCH_EVENTS) });
export type EventBatchInput = z.infer<typeof EventBatchInput>;

/** What ingestion answers for one event. */
export const AcceptedEvent = z.object({
  id: z.string(),
  duplicate: z
    .boolean()
    .describe('True when the event was already accepted (same Idempotency-Key or event id)'),
});
export type AcceptedEvent = z.infer<typeof AcceptedEvent>;

/** 202 for one event. */
export const AcceptedEventResponse = z.object({ data: AcceptedEvent });
/** 202 for a batch, in request order. */
export const AcceptedBatchResponse = z.object({ data: z.array(AcceptedEvent) });

/** `GET /v1/events`: newest first, optionally one type or one entity. */
export const ListEventsInput = PageInput.extend({
  type: z.string().max(100).optional(),
  entity: z.string().max(100).optional(),
  entity_id: z.string().max(255).optional(),
});
export type ListEventsInput = z.infer<typeof ListEventsInput>;

/** Addresses one event. */
export const EventIdInput = z.object({ id: z.uuid() });

/** The event object. */
export const EventOutput = apiObject('event', {
  external_id: z.string().nullable(),
  type: z.string(),
  entity: z.string().nullable(),
  entity_id: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  previous: z.record(z.string(), z.unknown()).nullable(),
  user_key: z.string(),
  caused_by: z.array(z.string()),
  ...timestampShape('occurred'),
  ...timestampShape('created'),
});
export type EventOutput = z.infer<typeof EventOutput>;
