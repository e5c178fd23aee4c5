import { z } from 'zod';
import type { Account } from '../db/entities/index.ts';
import { openapi } from '../openapiMeta.ts';
import { timestampFields } from '../time.ts';
import { router, scopedProcedure } from '../trpc.ts';
import { type AccountOutput, AccountResponse, UpdateAccountInput } from './schema.ts';
import { accountStopEvents, updateAccount } from './settings.ts';

const tag = 'Account';

function toOutput(account: Account): AccountOutput {
  const email = account.settings.notification_email;
  return {
    object: 'account',
    id: account.id,
    name: account.name,
    environment: account.environment,
    organisation_id: account.organisationId,
    time_zone: account.timeZone,
    notification_email: typeof email === 'string' ? email : null,
    stop_events: accountStopEvents(account),
    ...timestampFields('created', account.createdAt, account.timeZone),
    ...timestampFields('updated', account.updatedAt, account.timeZone),
  } as AccountOutput;
}

/** The API key's own account and its settings: `/v1/account`. */
export const accountRouter = router({
  get: scopedProcedure('admin')
    .meta(openapi({ method: 'GET', path: '/account', tag, summary: 'Fetch the account and its settings' }))
    .input(z.object({}))
    .output(AccountResponse)
    .query(({ ctx }) => ({ data: toOutput(ctx.auth.account) })),
  update: scopedProcedure('admin')
    .meta(
      openapi({
        method: 'PATCH',
        path: '/account',
        tag,
        summary: 'Update the account: name, time zone, notification e-mail, stop events',
      }),
    )
    .input(UpdateAccountInput)
    .output(AccountResponse)
    .mutation(async ({ ctx, input }) => ({
      data: toOutput(await updateAccount(ctx.em, ctx.auth.account.id, input)),
    })),
});
