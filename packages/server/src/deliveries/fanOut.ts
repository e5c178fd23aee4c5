import { uuidv7 } from 'uuidv7';
import type { ServerDeps } from '../deps.ts';
import type { StoredEvent } from '../events/consumers.ts';
import type { IngestDeliveryRow, RoutingHook } from '../events/sql.ts';
import { webhookFilterVerdict } from '../webhooks/filters.ts';

/** Whether an endpoint takes an event of `userKey`: the account's own take every event, a user's only theirs. */
export function ownerReceives(hookUserKey: string | null, eventUserKey: string): boolean {
  return hookUserKey === null || hookUserKey === eventUserKey;
}

/** The job key of a delivery's next attempt: a manual retry replaces a scheduled one instead of adding a second. */
export function deliveryJobKey(deliveryId: string): string {
  return `delivery:${deliveryId}`;
}

/** A `pending` delivery of an event to a webhook, with its job's key, as the ingestion statement writes it. */
export function pendingDelivery(
  webhookId: string,
  event: Pick<StoredEvent, 'id' | 'type'>,
): IngestDeliveryRow {
  const id = uuidv7();
  return {
    id,
    webhook_id: webhookId,
    event_id: event.id,
    event_type: event.type,
    status: 'pending',
    last_error: null,
    job_key: deliveryJobKey(id),
  };
}

/**
 * The webhook fan-out of a stored event: one `pending` delivery (and, when the ingestion statement writes it, one
 * `deliver_webhook` job) per subscribed hook whose filters match. A hook whose filter cannot be evaluated gets a
 * `skipped` delivery saying why (and a warning in the log), so the event is visible in its delivery log rather
 * than gone. `hooks` are those whose owner and patterns take the event (routing's `subscribedHooks`).
 */
export function planDeliveries(
  hooks: readonly RoutingHook[],
  event: StoredEvent,
  deps?: Pick<ServerDeps, 'logger'>,
): IngestDeliveryRow[] {
  const out: IngestDeliveryRow[] = [];
  for (const h of hooks) {
    const verdict = webhookFilterVerdict(h.filters, event);
    if (verdict.error !== null) {
      const delivery = {
        ...pendingDelivery(h.id, event),
        status: 'skipped' as const,
        last_error: verdict.error,
      };
      deps?.logger.warn(
        { webhookId: h.id, eventId: event.id, deliveryId: delivery.id, reason: verdict.error },
        'webhook filter failed; delivery skipped',
      );
      out.push(delivery);
    } else if (verdict.match) out.push(pendingDelivery(h.id, event));
  }
  return out;
}
