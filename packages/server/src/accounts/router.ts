import { z } from 'zod';
import type { Account } from '../db/entities/index.ts';
import { scopedRoute } from '../routes.ts';
import { timestampFields } from '../time.ts';
import { router } from '../trpc.ts';
import { type AccountOutput, AccountResponse, UpdateAccountInput } from './schema.ts';
import { accountStopEvents, updateAccount } from './settings.ts';

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

const tag = 'Account';

/** The API key's own account and its settings: `/v1/account`. */
export const accountRouter = router({
  get: scopedRoute(
    'admin',
    { method: 'GET', path: '/account', tag, summary: 'Fetch the account and its settings' },
    z.object({}),
    AccountResponse,
  ).query(({ ctx }) => ({ data: toOutput(ctx.auth.account) })),
  update: scopedRoute(
    'admin',
    {
      method: 'PATCH',
      path: '/account',
      tag,
      summary: 'Update the account: name, time zone, notification e-mail, stop events',
    },
    UpdateAccountInput,
    AccountResponse,
  ).mutation(async ({ ctx, input }) => ({
    data: toOutput(await updateAccount(ctx.em, ctx.auth.account.id, input)),
  })),
});
