import { statement } from '../db/statement.ts';

// The statements of an account's event catalog (registered and sent types).

/** The names of the account's own types. */
export const OWN_TYPE_NAMES = statement<[accountId: string], { type: string }>(
  'event_types_own_names',
  'select type from event_types where account_id = $1',
);

/**
 * Registers a type: a new one, or one the account only sent so far (keeping its description unless one is given).
 * No row when the type was registered already.
 */
export const REGISTER_TYPE = statement<
  [id: string, accountId: string, type: string, description: string | null],
  { id: string }
>(
  'event_types_register',
  `insert into event_types (id, account_id, type, description, registered, created_at)
   values ($1, $2, $3, $4, true, now())
   on conflict (account_id, type) do update
     set registered = true, description = coalesce(excluded.description, event_types.description)
     where not event_types.registered
   returning id`,
);

/** Adds sent types to the catalog, as sent (not registered); types there already are left as they are. */
export const RECORD_SENT_TYPES = statement<[accountId: string, ids: string[], types: string[]]>(
  'event_types_record_sent',
  `insert into event_types (id, account_id, type, description, registered, created_at)
   select t.id, $1, t.type, null, false, now() from unnest($2::uuid[], $3::text[]) as t(id, type)
   on conflict (account_id, type) do nothing`,
);

/** Registers types a compatibility route subscribes to; a description the account gave is kept. */
export const ENSURE_TYPES = statement<
  [accountId: string, ids: string[], types: string[], descriptions: (string | null)[]]
>(
  'event_types_ensure',
  `insert into event_types (id, account_id, type, description, registered, created_at)
   select t.id, $1, t.type, t.description, true, now()
     from unnest($2::uuid[], $3::text[], $4::text[]) as t(id, type, description)
   on conflict (account_id, type) do update
     set registered = true, description = coalesce(event_types.description, excluded.description)
     where not event_types.registered`,
);
