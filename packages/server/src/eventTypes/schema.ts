import { EVENT_NAME_RULE } from '@switchyard/core';
import { z } from 'zod';
import { timestampShape } from '../time.ts';

/** `POST /v1/event-types`: an account's own event type. */
export const CreateEventTypeInput = z.object({
  type: z.string().describe(`An event name (${EVENT_NAME_RULE}), e.g. \`invoice.paid\` or \`new_user\``),
  description: z.string().max(500).optional(),
});
export type CreateEventTypeInput = z.infer<typeof CreateEventTypeInput>;

/** `GET /v1/event-types` takes no parameters. */
export const ListEventTypesInput = z.object({});

/** One event type of the catalog: built in, registered by the account, or a name it has sent. */
export const EventTypeOutput = z.object({
  object: z.literal('event_type'),
  type: z.string(),
  entity: z.string(),
  description: z.string().nullable(),
  built_in: z.boolean(),
  origin: z
    .enum(['built_in', 'registered', 'sent'])
    .describe('Built in, registered with POST /v1/event-types (or by a compatibility route), or only sent'),
  ...timestampShape('created', true),
});
export type EventTypeOutput = z.infer<typeof EventTypeOutput>;

/** One event type in the envelope. */
export const EventTypeResponse = z.object({ data: EventTypeOutput });
/** The whole catalog (built-in types first, then the account's own by name: registered and sent); never paged. */
export const EventTypeListResponse = z.object({ data: z.array(EventTypeOutput) });
