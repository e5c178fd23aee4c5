import type { ChatProvider } from '@switchyard/core';
import { NonRetriableError, RetryAfterError } from '@switchyard/core';
import type { WorkerDeps } from '../deps.ts';
import { type HttpAnswer, sendForAction } from './http.ts';

// Slack answers 200 with `ok: false` for its own errors; these may pass on a retry, the others never will.
const SLACK_RETRIABLE = new Set([
  'ratelimited',
  'service_unavailable',
  'fatal_error',
  'internal_error',
  'request_timeout',
]);

/** Calls a Slack Web API method with a bot token, raising Slack's `ok: false` errors like HTTP ones. */
export async function callSlack(
  deps: WorkerDeps,
  conn: { apiBaseUrl: string; botToken: string },
  method: string,
  body: Record<string, unknown>,
  signal?: AbortSignal,
  /** The step's identifier, the same on every attempt (Slack ignores it; a proxy in between may not). */
  idempotencyKey?: string,
): Promise<HttpAnswer> {
  const answer = await sendForAction(
    deps,
    {
      method: 'POST',
      url: `${conn.apiBaseUrl.replace(/\/+$/, '')}/${method}`,
      headers: {
        authorization: `Bearer ${conn.botToken}`,
        'content-type': 'application/json; charset=utf-8',
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      },
      body: JSON.stringify(body),
      signal,
    },
    `Slack ${method}`,
  );
  const result = answer.body as { ok?: boolean; error?: string } | null;
  if (result?.ok === true) return answer;
  const error = result?.error ?? 'unexpected answer';
  if (error === 'ratelimited') {
    throw new RetryAfterError(`Slack ${method}: ${error}`, 30_000, { response: answer });
  }
  if (SLACK_RETRIABLE.has(error))
    throw Object.assign(new Error(`Slack ${method}: ${error}`), { response: answer });
  throw new NonRetriableError(`Slack ${method}: ${error}`, { response: answer });
}

/** The JSON each chat service's incoming webhooks take for a plain message. */
export function incomingWebhookPayload(provider: ChatProvider, text: string, recipient?: string): unknown {
  switch (provider) {
    case 'discord':
      return { content: text };
    case 'mattermost':
      // Mattermost may post to another channel than the hook's own; `#sales` and `sales` both name it.
      return recipient ? { text, channel: recipient.replace(/^#/, '') } : { text };
    case 'teams':
      return { text };
    default:
      return { text };
  }
}

/** Posts a message to an incoming-webhook URL of `provider`. */
export function postIncomingWebhook(
  deps: WorkerDeps,
  provider: ChatProvider,
  url: string,
  text: string,
  recipient?: string,
  signal?: AbortSignal,
  idempotencyKey?: string,
): Promise<HttpAnswer> {
  return sendForAction(
    deps,
    {
      method: 'POST',
      url,
      headers: {
        'content-type': 'application/json',
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      },
      body: JSON.stringify(incomingWebhookPayload(provider, text, recipient)),
      signal,
    },
    `${provider} incoming webhook`,
  );
}
