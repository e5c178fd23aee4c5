import type { User } from '../db/entities/index.ts';
import { timestampFields } from '../time.ts';
import type { UserOutput } from './schema.ts';

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** The API shape of a user, field by field. */
export function toUserOutput(user: User, zone: string): UserOutput {
  const userData = user.config.user_data ?? {};
  return {
    object: 'user',
    id: user.id,
    key: user.key,
    name: user.name ?? null,
    email: user.email ?? null,
    groups: user.groups,
    config: {
      primary_color: user.config.primary_color ?? null,
      logo_url: user.config.logo_url ?? null,
      user_data: userData,
    },
    user_data_schema: Object.entries(userData).map(([key, v]) => ({ key, type: typeOf(v) })),
    ...timestampFields('created', user.createdAt, zone),
    ...timestampFields('updated', user.updatedAt, zone),
  } as UserOutput;
}
