import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { accountOwned, timestamps } from './columns.ts';

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
    ...accountOwned(),
    key: p.string(),
    name: p.string().nullable(),
    email: p.string().nullable(),
    groups: p.json<string[]>().default('[]'),
    config: p.json<UserConfig>(),
    ...timestamps(),
  },
  uniques: [{ properties: ['accountId', 'key'] }],
});
export type User = InferEntity<typeof User>;
