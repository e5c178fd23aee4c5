import { statement } from '../db/statement.ts';

// The statements of connections that the ORM does not express plainly.

/** The account's connections of a name, in any letter case. */
export const CONNECTIONS_NAMED = statement<[accountId: string, name: string], { id: string }>(
  'connections_named',
  'select id from connections where account_id = $1 and lower(name) = lower($2)',
);

/** The account's published (not deleted) workflows with their templates. */
export const PUBLISHED_WORKFLOWS = statement<
  [accountId: string],
  { id: string; name: string; template: unknown }
>(
  'connections_published_workflows',
  `select id, name, template from workflows
    where account_id = $1 and deleted_at is null and template is not null order by id`,
);
