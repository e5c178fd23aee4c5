import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** One tenant: the host app's environment. Everything else belongs to exactly one account. */
export const Account = defineEntity({
  name: 'Account',
  tableName: 'accounts',
  properties: {
    id: p.uuid().primary(),
    name: p.string(),
    /** IANA zone used for `*_at` timestamps, daily trigger counts and delays. */
    timeZone: p.string().default('UTC'),
    /** Custom event types, stop events, notification e-mail and other per-account settings. */
    settings: p.json<Record<string, unknown>>().default('{}'),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
});
export type Account = InferEntity<typeof Account>;
