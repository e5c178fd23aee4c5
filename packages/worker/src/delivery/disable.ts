import type { EntityManager, Webhook } from '@switchyard/server/db';
import { emitEvent, enqueueJob } from '@switchyard/server/db';
import type { WorkerDeps } from '../deps.ts';

/**
 * Disables a webhook in the caller's transaction (once: a webhook already disabled is left alone), emits a
 * `webhook.disabled` event that other subscriptions receive like any event, and queues the failure notice e-mail
 * when the webhook asked for one.
 */
export async function disableWebhook(
  em: EntityManager,
  deps: WorkerDeps,
  hook: Pick<Webhook, 'id' | 'accountId' | 'url' | 'name' | 'notifyOnFailure'>,
  reason: string,
): Promise<boolean> {
  const now = new Date();
  const changed = await em.execute<{ id: string }[]>(
    `update webhooks set status = 'disabled', disabled_reason = ?, updated_at = ?
     where id = ? and status <> 'disabled' returning id`,
    [reason, now, hook.id],
  );
  if (changed.length === 0) return false;
  deps.logger.warn({ webhookId: hook.id, accountId: hook.accountId, reason }, 'webhook disabled');
  await emitEvent(em, deps, hook.accountId, {
    type: 'webhook.disabled',
    entity: 'webhook',
    entityId: hook.id,
    data: { id: hook.id, url: hook.url, name: hook.name ?? null, reason, disabled_at: now.toISOString() },
  });
  if (hook.notifyOnFailure) {
    await enqueueJob(em, 'send_failure_notice', { webhook_id: hook.id, reason: 'disabled' });
  }
  return true;
}
