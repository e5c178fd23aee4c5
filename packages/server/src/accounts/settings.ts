import { Account } from '../db/entities/index.ts';
import type { EntityManager } from '../db/orm.ts';
import { AppError } from '../errors.ts';
import type { UpdateAccountInput } from './schema.ts';

/** The account setting that lists the stop events its workflows may use. */
export const STOP_EVENTS_SETTING = 'stop_events';

/** The stop events an account has configured (seed 004: "one of the account's pre-configured stop events"). */
export function accountStopEvents(account: Account): string[] {
  const v = account.settings[STOP_EVENTS_SETTING];
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Changes the settings given; an unknown time zone is a 400 naming the field and changes nothing. */
export async function updateAccount(
  em: EntityManager,
  accountId: string,
  input: UpdateAccountInput,
): Promise<Account> {
  if (input.time_zone !== undefined && !isTimeZone(input.time_zone)) {
    throw new AppError('validation_error', `Unknown time zone ${JSON.stringify(input.time_zone)}`, [
      { path: 'time_zone', message: 'an IANA time zone such as Europe/Paris or UTC' },
    ]);
  }
  const account = await em.findOneOrFail(Account, { id: accountId });
  if (input.name !== undefined) account.name = input.name;
  if (input.time_zone !== undefined) account.timeZone = input.time_zone;
  const settings = { ...account.settings };
  if (input.notification_email !== undefined) settings.notification_email = input.notification_email;
  if (input.stop_events !== undefined) settings[STOP_EVENTS_SETTING] = [...new Set(input.stop_events)];
  account.settings = settings;
  await em.flush();
  return account;
}
