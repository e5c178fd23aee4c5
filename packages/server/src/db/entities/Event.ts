import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { accountOwned, created } from './columns.ts';

/** What the host app reported (or Switchyard emitted): a typed change of one entity. */
export const Event = defineEntity({
  name: 'Event',
  tableName: 'events',
  properties: {
    ...accountOwned(),
    /** The host's own id of the event; a resend with the same id is a duplicate. */
    externalId: p.string().nullable(),
    type: p.string(),
    entity: p.string().nullable(),
    entityId: p.string().nullable(),
    data: p.json<Record<string, unknown>>(),
    previous: p.json<Record<string, unknown>>().nullable(),
    userKey: p.string(),
    occurredAt: p.datetime(),
    /** Execution ids that caused this event (loop guard). */
    causedBy: p.json<string[]>().default('[]'),
    ...created(),
  },
});
export type Event = InferEntity<typeof Event>;
