import { statement } from '../db/statement.ts';

// The statements of portal sessions: the one-time code exchange, the merge-token field sample and the ownership
// checks of a session's calls. The ORM's pool returns timestamps as strings.

/**
 * Trades a link's code, once: sets the browser token on a session whose code is unused, unrevoked and unexpired —
 * of `accountId` when one is given. No row when the code is not (or no longer) tradeable.
 */
export const EXCHANGE_CODE = statement<
  [browserTokenHash: string, codeHash: string, accountId: string | null],
  { id: string; expires_at: string; time_zone: string }
>(
  'portal_exchange_code',
  `update portal_sessions s set code_used_at = now(), browser_token_hash = $1
     from accounts a
    where a.id = s.account_id and s.code_hash = $2 and s.code_used_at is null and s.revoked_at is null
      and s.expires_at > now() and ($3::uuid is null or s.account_id = $3::uuid)
    returning s.id, s.expires_at, a.time_zone`,
);

/** Whether a code belongs to a session of another account than `accountId`. */
export const CODE_OF_OTHER_ACCOUNT = statement<[codeHash: string, accountId: string], { n: number }>(
  'portal_code_of_other_account',
  'select 1 as n from portal_sessions where code_hash = $1 and account_id <> $2::uuid',
);

/** The data of the user's events among the account's latest `window` of a type, at most 20. */
export const USER_EVENT_SAMPLE = statement<
  [accountId: string, type: string, window: number, userKey: string],
  { data: Record<string, unknown> }
>(
  'portal_user_event_sample',
  `select data from (
     select data, user_key from events where account_id = $1 and type = $2 order by id desc limit $3
   ) e where e.user_key = $4 limit 20`,
);

type Owned = [id: string, accountId: string, userKey: string];

/** Whether an execution is the user's. */
export const OWNS_EXECUTION = statement<Owned, { n: number }>(
  'portal_owns_execution',
  'select 1 as n from executions where id = $1::uuid and account_id = $2 and user_key = $3',
);

/** Whether a webhook is the user's. */
export const OWNS_WEBHOOK = statement<Owned, { n: number }>(
  'portal_owns_webhook',
  'select 1 as n from webhooks where id = $1::uuid and account_id = $2 and user_key = $3',
);

/** Whether a delivery is to one of the user's webhooks. */
export const OWNS_DELIVERY = statement<Owned, { n: number }>(
  'portal_owns_delivery',
  `select 1 as n from deliveries d join webhooks w on w.id = d.webhook_id
    where d.id = $1::uuid and d.account_id = $2 and w.user_key = $3`,
);
