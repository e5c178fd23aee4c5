import type { AuthedContext } from '../context.ts';
import type { Connection } from '../db/entities/index.ts';
import { resource } from '../routes.ts';
import { timestampFields } from '../time.ts';
import { router } from '../trpc.ts';
import {
  ConnectionIdInput,
  ConnectionOutput,
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

const connections = resource(
  { tag, path: '/connections/{id}', read: 'admin', write: 'admin' },
  ConnectionOutput,
  toOutput,
);
const duplicateName = 'duplicate_name: a connection with this name already exists';

/** Connections to the services actions use (`/v1/connections`): SMTP, Slack, chat webhooks, the host endpoint. */
export const connectionsRouter = router({
  create: connections
    .write(
      {
        method: 'POST',
        path: '/connections',
        summary: 'Create a connection (smtp, slack, incoming_webhook or host_endpoint)',
        description:
          'Credentials are stored encrypted and never returned. A host_endpoint gets a signing secret, shown in ' +
          'this response only. Errors: missing_required_field, invalid_url (private address), 409 duplicate_name.',
        status: 201,
        conflict: duplicateName,
      },
      CreateConnectionInput,
      CreatedConnectionResponse,
    )
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
  list: connections.list('List connections, newest first', ListConnectionsInput, listConnections),
  get: connections.get('Fetch a connection', ConnectionIdInput, getConnection),
  update: connections.change(
    {
      method: 'PATCH',
      summary: 'Update a connection (a credential given replaces the stored one)',
      conflict: duplicateName,
    },
    UpdateConnectionInput,
    (ctx, input) => updateConnection(ctx.em, ctx.deps, ctx.auth.account.id, input),
  ),
  delete: connections.change(
    {
      method: 'DELETE',
      summary: 'Delete a connection',
      conflict: 'conflict: a published workflow has an action that would be left without a connection',
    },
    ConnectionIdInput,
    (ctx, input) => deleteConnection(ctx.em, ctx.deps, ctx.auth.account.id, input.id),
  ),
  test: connections
    .write(
      {
        method: 'POST',
        path: '/connections/{id}/test',
        summary: 'Check that a connection works (SMTP login, Slack auth.test, host endpoint ping)',
        notFound: true,
      },
      ConnectionIdInput,
      TestConnectionResponse,
    )
    .mutation(async ({ ctx, input }) => ({
      data: await testConnection(ctx.em, ctx.deps, ctx.auth.account.id, input.id),
    })),
});
