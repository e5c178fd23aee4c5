import type { AuthedContext } from '../context.ts';
import type { User } from '../db/entities/index.ts';
import { resource } from '../routes.ts';
import { router } from '../trpc.ts';
import { toUserOutput } from './mapper.ts';
import { ListUsersInput, UpsertUserInput, UserKeyInput, UserOutput } from './schema.ts';
import { archiveUser, getUser, listUsers, upsertUser } from './service.ts';

const users = resource(
  { tag: 'Users', path: '/users/{key}', read: 'users:read', write: 'users:write' },
  UserOutput,
  (ctx: AuthedContext, user: User) => toUserOutput(user, ctx.auth.account.timeZone),
);

/** End users: `/v1/users`. */
export const usersRouter = router({
  upsert: users.change(
    { method: 'PUT', summary: 'Create or update a user', notFound: false },
    UpsertUserInput,
    (ctx, input) => upsertUser(ctx.em, ctx.auth.account.id, input),
  ),
  get: users.get('Fetch a user', UserKeyInput, getUser),
  list: users.list('List users, newest first', ListUsersInput, listUsers),
  delete: users.change({ method: 'DELETE', summary: 'Archive a user' }, UserKeyInput, (ctx, input) =>
    archiveUser(ctx.em, ctx.auth.account.id, input.key),
  ),
});
