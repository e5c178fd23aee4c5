import { matchesAnyEventPattern } from '@switchyard/core';
import { uuidv7 } from 'uuidv7';
import { enqueueJob } from '../db/enqueue.ts';
import type { EntityManager } from '../db/orm.ts';
import type { StoredEvent } from '../events/consumers.ts';
import { webhookFilterMatches } from '../webhooks/filters.ts';

interface ActiveWebhook {
  id: string;
  events: string[];
  filters: unknown;
}

// Per transaction (a batch of up to 1,000 events runs in one): the active webhooks are read once per account.
const cache = new WeakMap<EntityManager, Map<string, Promise<ActiveWebhook[]>>>();

function activeWebhooks(em: EntityManager, accountId: string): Promise<ActiveWebhook[]> {
  let perEm = cache.get(em);
  if (!perEm) {
    perEm = new Map();
    cache.set(em, perEm);
  }
  let hooks = perEm.get(accountId);
  if (!hooks) {
    hooks = em.execute<ActiveWebhook[]>(
      `select id, events, filters from webhooks where account_id = ? and status = 'active'`,
      [accountId],
    );
    perEm.set(accountId, hooks);
  }
  return hooks;
}

/** The job key of a delivery's next attempt: a manual retry replaces a scheduled one instead of adding a second. */
export function deliveryJobKey(deliveryId: string): string {
  return `delivery:${deliveryId}`;
}

/**
 * The webhook consumer: one `pending` delivery row and one `deliver_webhook` job per active subscription whose
 * event patterns and filters match, written in the event's transaction, so an acknowledged event is never lost.
 */
export async function fanOutToWebhooks(em: EntityManager, event: StoredEvent): Promise<void> {
  const hooks = await activeWebhooks(em, event.accountId);
  const matching = hooks.filter(
    (h) => matchesAnyEventPattern(h.events, event.type) && webhookFilterMatches(h.filters, event),
  );
  if (matching.length === 0) return;
  const ids = matching.map(() => uuidv7());
  const values: unknown[] = [];
  for (const [i, hook] of matching.entries())
    values.push(ids[i], event.accountId, hook.id, event.id, event.type);
  await em.execute(
    `insert into deliveries (id, account_id, webhook_id, event_id, event_type, status, attempts, next_attempt_at,
       created_at, updated_at)
     values ${matching.map(() => "(?, ?, ?, ?, ?, 'pending', 0, now(), now(), now())").join(', ')}`,
    values,
  );
  for (const id of ids)
    await enqueueJob(
      em,
      'deliver_webhook',
      { delivery_id: id as string },
      { jobKey: deliveryJobKey(id as string) },
    );
}
