import { z } from 'zod';
import { apiObject } from '../apiObject.ts';
import { PageInput } from '../pagination.ts';
import { timestampShape } from '../time.ts';

/** A user key: chosen by the host app; `main` is the account's admin user. */
export const UserKey = z
  .string()
  .min(1)
  .max(200)
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.:@-]*$/,
    'letters, digits and _ . : @ - only, starting with a letter or digit',
  )
  .refine((k) => !k.startsWith('ARCHIVED__'), 'the ARCHIVED__ prefix is reserved for deleted users');

/** `PUT /v1/users/{key}`: only the attributes given change. */
export const UpsertUserInput = z.object({
  key: UserKey,
  name: z.string().max(200).nullable().optional(),
  email: z.email().nullable().optional(),
  groups: z.array(z.string().max(100)).max(50).optional(),
  config: z
    .object({
      primary_color: z
        .string()
        .regex(/^#[0-9a-fA-F]{3,8}$/, 'a CSS hex colour such as #1f6feb')
        .nullable()
        .optional(),
      logo_url: z
        .url({ protocol: /^https?$/ })
        .nullable()
        .optional(),
      user_data: z
        .record(z.string(), z.unknown())
        .optional()
        .describe('Custom data available to merge tokens'),
    })
    .optional(),
});
export type UpsertUserInput = z.infer<typeof UpsertUserInput>;

/** Addresses one user. */
export const UserKeyInput = z.object({ key: z.string().min(1).max(220) });

/** `GET /v1/users`. */
export const ListUsersInput = PageInput;

/** The user object. */
export const UserOutput = apiObject('user', {
  key: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  groups: z.array(z.string()),
  config: z.object({
    primary_color: z.string().nullable(),
    logo_url: z.string().nullable(),
    user_data: z.record(z.string(), z.unknown()),
  }),
  user_data_schema: z.array(z.object({ key: z.string(), type: z.string() })),
  ...timestampShape('created'),
  ...timestampShape('updated'),
});
export type UserOutput = z.infer<typeof UserOutput>;
