import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** An event type an account registered beside the built-in catalog. */
export const CustomEventType = defineEntity({
  name: 'CustomEventType',
  tableName: 'event_types',
  properties: {
    id: p.uuid().primary(),
    accountId: p.uuid(),
    type: p.string(),
    description: p.string().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
  uniques: [{ properties: ['accountId', 'type'] }],
});
export type CustomEventType = InferEntity<typeof CustomEventType>;
