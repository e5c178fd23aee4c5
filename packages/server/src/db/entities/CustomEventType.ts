import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** An event type of an account's catalog beside the built-in ones: registered, or only seen in what it sent. */
export const CustomEventType = defineEntity({
  name: 'CustomEventType',
  tableName: 'event_types',
  properties: {
    id: p.uuid().primary(),
    accountId: p.uuid(),
    type: p.string(),
    description: p.string().nullable(),
    /** False for a name the account sent without registering it. */
    registered: p.boolean().default(true),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  uniques: [{ properties: ['accountId', 'type'] }],
});
export type CustomEventType = InferEntity<typeof CustomEventType>;
