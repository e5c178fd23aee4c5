import { CHAT_PROVIDERS } from '@switchyard/core';
import { z } from 'zod';
import { apiObject } from '../apiObject.ts';
import { PageInput } from '../pagination.ts';
import { timestampShape } from '../time.ts';

/** What a connection reaches. */
export const CONNECTION_KINDS = ['smtp', 'slack', 'incoming_webhook', 'host_endpoint'] as const;
export { CHAT_PROVIDERS, type ChatProvider } from '@switchyard/core';

// Every kind's fields in one flat object (a kind's required ones are checked by the service, naming the field):
// what may be shown goes to `settings`, credentials are sealed and never returned.
const fields = {
  name: z.string().trim().min(1).max(120).describe('Unique within the account, e.g. "Sales Slack"'),
  host: z.string().min(1).max(255).optional().describe('smtp: server host name'),
  port: z.number().int().min(1).max(65535).optional().describe('smtp: port (default 587; 465 means TLS)'),
  secure: z.boolean().optional().describe('smtp: TLS from the first byte (default: port 465)'),
  username: z.string().max(320).optional().describe('smtp: login'),
  password: z.string().max(1024).optional().describe('smtp: password (stored encrypted, never returned)'),
  from: z.string().min(3).max(320).optional().describe('smtp: default sender, e.g. "Acme <crm@acme.test>"'),
  bot_token: z.string().min(1).max(512).optional().describe('slack: bot token xoxb-… (stored encrypted)'),
  api_base_url: z
    .string()
    .max(2048)
    .optional()
    .describe('slack: Web API base URL (default https://slack.com/api)'),
  provider: z
    .enum(CHAT_PROVIDERS)
    .optional()
    .describe('incoming_webhook: which chat service the URL belongs to'),
  url: z
    .string()
    .max(2048)
    .optional()
    .describe('incoming_webhook: the webhook URL (stored encrypted); host_endpoint: your action endpoint'),
};

/** `POST /v1/connections`. */
export const CreateConnectionInput = z.object({
  kind: z.enum(CONNECTION_KINDS).describe('smtp, slack, incoming_webhook or host_endpoint'),
  ...fields,
});
export type CreateConnectionInput = z.infer<typeof CreateConnectionInput>;

/** `PATCH /v1/connections/{id}`: the fields given change; a credential given replaces the stored one. */
export const UpdateConnectionInput = z.object({ id: z.uuid(), ...fields, name: fields.name.optional() });
export type UpdateConnectionInput = z.infer<typeof UpdateConnectionInput>;

export const ConnectionIdInput = z.object({ id: z.uuid() });
export const ListConnectionsInput = PageInput.extend({ kind: z.enum(CONNECTION_KINDS).optional() });
export type ListConnectionsInput = z.infer<typeof ListConnectionsInput>;

/** A connection as the API shows it: never a credential, only which ones are set. */
export const ConnectionOutput = apiObject('connection', {
  kind: z.enum(CONNECTION_KINDS),
  name: z.string(),
  settings: z
    .record(z.string(), z.unknown())
    .describe('The non-secret settings (host, port, provider, URL…)'),
  credentials: z.array(z.string()).describe('Which credentials are stored (their values are never returned)'),
  last_test_error: z.string().nullable(),
  ...timestampShape('last_tested', true),
  ...timestampShape('created'),
  ...timestampShape('updated'),
});
export type ConnectionOutput = z.infer<typeof ConnectionOutput>;

/** A host endpoint's creation response carries its signing secret, shown this once. */
export const CreatedConnectionResponse = z.object({
  data: ConnectionOutput.extend({
    signing_secret: z
      .string()
      .optional()
      .describe('host_endpoint: the whsec_ secret our requests are signed with. Shown once: store it now.'),
  }),
});

/** `POST /v1/connections/{id}/test`. */
export const TestConnectionResponse = z.object({
  data: z.object({
    ok: z.boolean(),
    error: z.string().nullable().describe('Why the check failed'),
    detail: z.string().nullable().describe('What the service answered'),
  }),
});
