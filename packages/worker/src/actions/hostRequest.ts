import { signWebhook } from '@switchyard/core';
import type { WorkerDeps } from '../deps.ts';
import { type HttpAnswer, sendForAction } from './http.ts';

/**
 * A request to the account's host action endpoint, signed like our webhook deliveries (Standard Webhooks), so the
 * host verifies it with the same library. `id` is stable across retries of one step, so the host can deduplicate:
 * it is sent as `webhook-id` (signed) and as `Idempotency-Key`.
 */
export function sendHostRequest(
  deps: WorkerDeps,
  endpoint: { url: string; signingSecret: string },
  message: { id: string; type: string; data: unknown },
  signal?: AbortSignal,
): Promise<HttpAnswer> {
  const timestamp = new Date();
  const body = JSON.stringify({ type: message.type, timestamp: timestamp.toISOString(), data: message.data });
  const headers = signWebhook({ id: message.id, timestamp, body, secrets: [endpoint.signingSecret] });
  return sendForAction(
    deps,
    {
      method: 'POST',
      url: endpoint.url,
      headers: { ...headers, 'idempotency-key': message.id, 'content-type': 'application/json' },
      body,
      signal,
    },
    `host endpoint (${message.type})`,
  );
}
