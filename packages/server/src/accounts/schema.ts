import { z } from 'zod';
import { apiObject } from '../apiObject.ts';
import { timestampShape } from '../time.ts';

/** A stop event's name, e.g. `new_lead`, `signed_up`, `deal.lost`. */
export const StopEventName = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'a stop event name is 1-100 letters, digits, _ . : or -');

/** `PATCH /v1/account`: the settings given change. */
export const UpdateAccountInput = z.object({
  name: z.string().trim().min(1).max(120).optional(),
  time_zone: z
    .string()
    .max(64)
    .optional()
    .describe('IANA time zone for `*_at` timestamps, daily trigger counts and delays, e.g. Europe/Paris'),
  notification_email: z
    .email()
    .nullable()
    .optional()
    .describe('Where notices go (a webhook disabled after failing); null removes it'),
  stop_events: z
    .array(StopEventName)
    .max(100)
    .optional()
    .describe('The stop events workflows may use (seed 004), e.g. ["new_lead", "signed_up"]'),
});
export type UpdateAccountInput = z.infer<typeof UpdateAccountInput>;

/** The account of the API key. */
export const AccountOutput = apiObject('account', {
  name: z.string(),
  environment: z
    .enum(['live', 'test'])
    .describe('Which environment of the organisation this account is; environments share no data'),
  organisation_id: z.string(),
  time_zone: z.string(),
  notification_email: z.string().nullable(),
  stop_events: z.array(z.string()),
  ...timestampShape('created'),
  ...timestampShape('updated'),
});
export type AccountOutput = z.infer<typeof AccountOutput>;
export const AccountResponse = z.object({ data: AccountOutput });
