import type { Webhook } from '../db/entities/index.ts';
import type { SecretBoxLike as SecretBox } from '../deliveries/ports.ts';
import { timestampFields } from '../time.ts';
import type { WebhookOutput } from './schema.ts';
import { openHeaders } from './secrets.ts';

/** The API shape of a webhook, field by field; never its secrets. */
export function toWebhookOutput(hook: Webhook, zone: string, box: SecretBox): WebhookOutput {
  return {
    object: 'webhook',
    id: hook.id,
    user_key: hook.userKey ?? null,
    url: hook.url,
    name: hook.name ?? null,
    description: hook.description ?? null,
    events: hook.events,
    filters: hook.filters ?? null,
    method: hook.method,
    content_type: hook.contentType,
    headers: openHeaders(hook, box),
    active: hook.status === 'active',
    status: hook.status,
    disabled_reason: hook.disabledReason ?? null,
    notify_on_failure: hook.notifyOnFailure,
    ...timestampFields('created', hook.createdAt, zone),
    ...timestampFields('updated', hook.updatedAt, zone),
    ...timestampFields('failing_since', hook.failingSince, zone),
    ...timestampFields('last_success', hook.lastSuccessAt, zone),
  } as WebhookOutput;
}
