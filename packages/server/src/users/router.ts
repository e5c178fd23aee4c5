import { openapi } from '../openapiMeta.ts';
import { pageOf } from '../pagination.ts';
import { router, scopedProcedure } from '../trpc.ts';
import { toUserOutput } from './mapper.ts';
import { ListUsersInput, UpsertUserInput, UserKeyInput, UserListResponse, UserResponse } from './schema.ts';
import { archiveUser, getUser, listUsers, upsertUser } from './service.ts';

/** End users: `/v1/users`. */
export const usersRouter = router({
  upsert: scopedProcedure('users:write')
    .meta(openapi({ method: 'PUT', path: '/users/{key}', tag: 'Users', summary: 'Create or update a user' }))
    .input(UpsertUserInput)
    .output(UserResponse)
    .mutation(async ({ ctx, input }) => {
      const user = await upsertUser(ctx.em, ctx.auth.account.id, input);
      return { data: toUserOutput(user, ctx.auth.account.timeZone) };
    }),
  get: scopedProcedure('users:read')
    .meta(
      openapi({ method: 'GET', path: '/users/{key}', tag: 'Users', summary: 'Fetch a user', notFound: true }),
    )
    .input(UserKeyInput)
    .output(UserResponse)
    .query(async ({ ctx, input }) => {
      const user = await getUser(ctx.em, ctx.auth.account.id, input.key);
      return { data: toUserOutput(user, ctx.auth.account.timeZone) };
    }),
  list: scopedProcedure('users:read')
    .meta(openapi({ method: 'GET', path: '/users', tag: 'Users', summary: 'List users, newest first' }))
    .input(ListUsersInput)
    .output(UserListResponse)
    .query(async ({ ctx, input }) =>
      pageOf(await listUsers(ctx.em, ctx.auth.account.id, input), (u) =>
        toUserOutput(u, ctx.auth.account.timeZone),
      ),
    ),
  delete: scopedProcedure('users:write')
    .meta(
      openapi({
        method: 'DELETE',
        path: '/users/{key}',
        tag: 'Users',
        summary: 'Archive a user',
        notFound: true,
      }),
    )
    .input(UserKeyInput)
    .output(UserResponse)
    .mutation(async ({ ctx, input }) => {
      const user = await archiveUser(ctx.em, ctx.auth.account.id, input.key);
      return { data: toUserOutput(user, ctx.auth.account.timeZone) };
    }),
});
