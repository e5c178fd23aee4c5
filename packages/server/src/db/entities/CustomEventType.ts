import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { accountOwned, created } from './columns.ts';

/** An event type of an account's catalog beside the built-in ones: registered, or only seen in what it sent. */
export const CustomEventType = defineEntity({
  name: 'CustomEventType',
  tableName: 'event_types',
  properties: {
    ...accountOwned(),
    type: p.string(),
    description: p.string().nullable(),
    /** False for a name the account sent without registering it. */
    registered: p.boolean().default(true),
    ...created(),
  },
  uniques: [{ properties: ['accountId', 'type'] }],
});
export type CustomEventType = InferEntity<typeof CustomEventType>;
