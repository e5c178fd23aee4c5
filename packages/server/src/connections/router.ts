import type { AuthedContext } from '../context.ts';
import type { Connection } from '../db/entities/index.ts';
import { openapi } from '../openapiMeta.ts';
import { pageOf } from '../pagination.ts';
import { timestampFields } from '../time.ts';
import { router, scopedProcedure } from '../trpc.ts';
import {
  ConnectionIdInput,
  ConnectionListResponse,
  type ConnectionOutput,
  ConnectionResponse,
  CreateConnectionInput,
  CreatedConnectionResponse,
  ListConnectionsInput,
  TestConnectionResponse,
  UpdateConnectionInput,
} from './schema.ts';
import {
  createConnection,
  credentialNames,
  deleteConnection,
  getConnection,
  listConnections,
  testConnection,
  updateConnection,
} from './service.ts';

const tag = 'Connections';

/** The API shape of a connection: settings and the names of its credentials, never their values. */
function toOutput({ auth, deps }: AuthedContext, conn: Connection): ConnectionOutput {
  const zone = auth.account.timeZone;
  return {
    object: 'connection',
    id: conn.id,
    kind: conn.kind,
    name: conn.name,
    settings: conn.settings,
    credentials: credentialNames(deps, conn),
    last_test_error: conn.lastTestError ?? null,
    ...timestampFields('last_tested', conn.lastTestedAt ?? null, zone),
    ...timestampFields('created', conn.createdAt, zone),
    ...timestampFields('updated', conn.updatedAt, zone),
  } as ConnectionOutput;
}

/** Connections to the services actions use (`/v1/connections`): SMTP, Slack, chat webhooks, the host endpoint. */
export const connectionsRouter = router({
  create: scopedProcedure('admin')
    .meta(
      openapi({
        method: 'POST',
        path: '/connections',
        tag,
        summary: 'Create a connection (smtp, slack, incoming_webhook or host_endpoint)',
        description:
          'Credentials are stored encrypted and never returned. A host_endpoint gets a signing secret, shown in ' +
          'this response only. Errors: missing_required_field, invalid_url (private address), 409 duplicate_name.',
        status: 201,
        conflict: 'duplicate_name: a connection with this name already exists',
      }),
    )
    .input(CreateConnectionInput)
    .output(CreatedConnectionResponse)
    .mutation(async ({ ctx, input }) => {
      const { connection, signingSecret } = await createConnection(
        ctx.em,
        ctx.deps,
        ctx.auth.account.id,
        input,
      );
      const out = toOutput(ctx, connection);
      return { data: signingSecret ? { ...out, signing_secret: signingSecret } : out };
    }),
  list: scopedProcedure('admin')
    .meta(openapi({ method: 'GET', path: '/connections', tag, summary: 'List connections, newest first' }))
    .input(ListConnectionsInput)
    .output(ConnectionListResponse)
    .query(async ({ ctx, input }) =>
      pageOf(await listConnections(ctx.em, ctx.auth.account.id, input), (c) => toOutput(ctx, c)),
    ),
  get: scopedProcedure('admin')
    .meta(
      openapi({
        method: 'GET',
        path: '/connections/{id}',
        tag,
        summary: 'Fetch a connection',
        notFound: true,
      }),
    )
    .input(ConnectionIdInput)
    .output(ConnectionResponse)
    .query(async ({ ctx, input }) => {
      const conn = await getConnection(ctx.em, ctx.auth.account.id, input.id);
      return { data: toOutput(ctx, conn) };
    }),
  update: scopedProcedure('admin')
    .meta(
      openapi({
        method: 'PATCH',
        path: '/connections/{id}',
        tag,
        summary: 'Update a connection (a credential given replaces the stored one)',
        notFound: true,
        conflict: 'duplicate_name: a connection with this name already exists',
      }),
    )
    .input(UpdateConnectionInput)
    .output(ConnectionResponse)
    .mutation(async ({ ctx, input }) => {
      const conn = await updateConnection(ctx.em, ctx.deps, ctx.auth.account.id, input);
      return { data: toOutput(ctx, conn) };
    }),
  delete: scopedProcedure('admin')
    .meta(
      openapi({
        method: 'DELETE',
        path: '/connections/{id}',
        tag,
        summary: 'Delete a connection',
        notFound: true,
        conflict: 'conflict: a published workflow has an action that would be left without a connection',
      }),
    )
    .input(ConnectionIdInput)
    .output(ConnectionResponse)
    .mutation(async ({ ctx, input }) => {
      const conn = await deleteConnection(ctx.em, ctx.deps, ctx.auth.account.id, input.id);
      return { data: toOutput(ctx, conn) };
    }),
  test: scopedProcedure('admin')
    .meta(
      openapi({
        method: 'POST',
        path: '/connections/{id}/test',
        tag,
        summary: 'Check that a connection works (SMTP login, Slack auth.test, host endpoint ping)',
        notFound: true,
      }),
    )
    .input(ConnectionIdInput)
    .output(TestConnectionResponse)
    .mutation(async ({ ctx, input }) => ({
      data: await testConnection(ctx.em, ctx.deps, ctx.auth.account.id, input.id),
    })),
});
