import { type ChannelMessageSettings, type ChatProvider, NonRetriableError } from '@switchyard/core';
import {
  channelKindsFor,
  channelMessageDefinition,
  findConnection,
  openCredentials,
} from '@switchyard/server/db';
import { callSlack, postIncomingWebhook } from './chat.ts';
import type { ActionProvider } from './provider.ts';

/**
 * `send_channel_message`: Slack through `chat.postMessage` with the account's bot token, or any service's
 * incoming-webhook URL (Slack, Microsoft Teams, Discord, Mattermost), always through the SSRF-guarded client.
 * The step's output is the service's answer.
 */
export const channelMessageAction: ActionProvider<ChannelMessageSettings> = {
  ...channelMessageDefinition,
  async execute(config, ctx) {
    const conn = await findConnection(ctx.em, ctx.accountId, channelKindsFor(config.channel), {
      id: config.connection_id,
      provider: config.channel,
    });
    if (!conn) throw new NonRetriableError(`send_channel_message: no connection for ${config.channel}`);
    const creds = openCredentials(ctx.deps.secretBox, conn);
    if (conn.kind === 'slack') {
      const answer = await callSlack(
        ctx.deps,
        { apiBaseUrl: String(conn.settings.api_base_url), botToken: creds.bot_token ?? '' },
        'chat.postMessage',
        { channel: config.recipient, text: config.message },
        ctx.signal,
        ctx.stepKey,
      );
      const body = answer.body as { channel?: string; ts?: string };
      return { output: { via: 'slack', channel: body.channel ?? config.recipient, ts: body.ts ?? null } };
    }
    const provider = conn.settings.provider as ChatProvider;
    const answer = await postIncomingWebhook(
      ctx.deps,
      provider,
      creds.url ?? '',
      config.message,
      config.recipient,
      ctx.signal,
      ctx.stepKey,
    );
    return { output: { via: `${provider}_incoming_webhook`, status: answer.status, body: answer.body } };
  },
};
