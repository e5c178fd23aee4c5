import { uuidv7 } from 'uuidv7';
import { User } from '../db/entities/index.ts';
import type { EntityManager } from '../db/orm.ts';
import { run } from '../db/statement.ts';
import { AppError, notFound } from '../errors.ts';
import { type PageInput, paginate } from '../pagination.ts';
import type { UpsertUserInput } from './schema.ts';
import { DISCOVER_USERS, INSERT_USER_IF_ABSENT } from './sql.ts';

/** The key of the account's admin user, created with the account. */
export const MAIN_USER_KEY = 'main';

const ARCHIVED = 'ARCHIVED__';

/** Creates or updates a user; only the attributes given change. Concurrent upserts of one key end as one user. */
export async function upsertUser(
  em: EntityManager,
  accountId: string,
  input: UpsertUserInput,
): Promise<User> {
  return em.transactional(async (tem) => {
    // Insert-if-absent first, so two concurrent first upserts cannot both create the user.
    await run(tem, INSERT_USER_IF_ABSENT, [uuidv7(), accountId, input.key, EMPTY_USER_CONFIG]);
    const user = await tem.findOneOrFail(
      User,
      { accountId, key: input.key },
      { lockMode: 4 /* pessimistic write */ },
    );
    if (input.name !== undefined) user.name = input.name;
    if (input.email !== undefined) user.email = input.email;
    if (input.groups !== undefined) user.groups = input.groups;
    if (input.config) {
      const next = { ...user.config };
      if (input.config.primary_color !== undefined) next.primary_color = input.config.primary_color;
      if (input.config.logo_url !== undefined) next.logo_url = input.config.logo_url;
      if (input.config.user_data !== undefined) next.user_data = input.config.user_data;
      user.config = next;
    }
    user.updatedAt = new Date();
    await tem.flush();
    return user;
  });
}

/** A new user's config: no branding, no data (what `PUT /v1/users/{key}` with no attributes creates). */
export const EMPTY_USER_CONFIG = JSON.stringify({ primary_color: null, logo_url: null, user_data: {} });

/**
 * Auto-discovery (seed 004: "no need to create users ahead of time"): creates each of `keys` the account does not
 * have yet, as `PUT /v1/users/{key}` with no attributes would, in the caller's transaction. Concurrent callers naming
 * the same new key create it once (the unique index decides; the loser waits for the winner and does nothing).
 * Keys are written in sorted order so two transactions never wait on each other in a cycle.
 */
export async function discoverUsers(
  em: EntityManager,
  accountId: string,
  keys: Iterable<string>,
): Promise<void> {
  const distinct = [...new Set(keys)].sort();
  if (distinct.length === 0) return;
  await run(em, DISCOVER_USERS, [accountId, EMPTY_USER_CONFIG, distinct.map(() => uuidv7()), distinct]);
}

/** A user by key, or 404. */
export async function getUser(em: EntityManager, accountId: string, key: string): Promise<User> {
  const user = await em.findOne(User, { accountId, key });
  if (!user) throw notFound(`User ${key}`);
  return user;
}

/** A page of the account's users (archived ones included, under their ARCHIVED__ key). */
export async function listUsers(em: EntityManager, accountId: string, page: PageInput) {
  return paginate<User>(em, User, { accountId }, page);
}

/** Archives a user: its key becomes `ARCHIVED__<key>` (with a suffix if that key was archived before). */
export async function archiveUser(em: EntityManager, accountId: string, key: string): Promise<User> {
  if (key === MAIN_USER_KEY) throw new AppError('validation_error', 'The main user cannot be deleted');
  if (key.startsWith(ARCHIVED)) throw notFound(`User ${key}`);
  const user = await getUser(em, accountId, key);
  const taken = await em.count(User, { accountId, key: `${ARCHIVED}${key}` });
  user.key = taken ? `${ARCHIVED}${key}__${user.id.slice(-8)}` : `${ARCHIVED}${key}`;
  user.updatedAt = new Date();
  await em.flush();
  return user;
}
