import { statement } from '../db/statement.ts';

// The statements of users: the two inserts that must not race. Reads and updates go through the ORM.

/** Inserts a user unless the account has that key already (concurrent first upserts make one user). */
export const INSERT_USER_IF_ABSENT = statement<[id: string, accountId: string, key: string, config: string]>(
  'users_insert_if_absent',
  `insert into users (id, account_id, key, groups, config, created_at, updated_at)
   values ($1, $2, $3, '[]', $4::jsonb, now(), now()) on conflict (account_id, key) do nothing`,
);

/** Inserts each of `keys` the account does not have yet, in the order given, all with `config`. */
export const DISCOVER_USERS = statement<[accountId: string, config: string, ids: string[], keys: string[]]>(
  'users_discover',
  `insert into users (id, account_id, key, groups, config, created_at, updated_at)
   select u.id, $1, u.key, '[]', $2::jsonb, now(), now()
     from unnest($3::uuid[], $4::text[]) with ordinality as u(id, key, n)
    order by u.n
   on conflict (account_id, key) do nothing`,
);
