import { defineEntity, type InferEntity, p } from '@mikro-orm/core';

/** Branding and data of an end user; `user_data` feeds merge tokens. */
export interface UserConfig {
  primary_color: string | null;
  logo_url: string | null;
  user_data: Record<string, unknown>;
}

/** The host app's end user who owns workflows, addressed by the host's own `key` (`main` is the admin). */
export const User = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: p.uuid().primary(),
    accountId: p.uuid(),
    key: p.string(),
    name: p.string().nullable(),
    email: p.string().nullable(),
    groups: p.json<string[]>().default('[]'),
    config: p.json<UserConfig>(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
  uniques: [{ properties: ['accountId', 'key'] }],
});
export type User = InferEntity<typeof User>;
