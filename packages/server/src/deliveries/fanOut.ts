import { JOBS, matchesAnyEventPattern } from '@switchyard/core';
import { uuidv7 } from 'uuidv7';
import type { EntityManager } from '../db/orm.ts';
import type { ServerDeps } from '../deps.ts';
import type { StoredEvent } from '../events/consumers.ts';
import { webhookFilterVerdict } from '../webhooks/filters.ts';

interface ActiveWebhook {
  id: string;
  /** The end user who owns it, or null for the account's own endpoint. */
  user_key: string | null;
  events: string[];
  filters: unknown;
}

/** Whether an endpoint takes an event of `userKey`: the account's own take every event, a user's only theirs. */
export function ownerReceives(hookUserKey: string | null, eventUserKey: string): boolean {
  return hookUserKey === null || hookUserKey === eventUserKey;
}

/** Deliveries decided in a transaction and not written yet. */
interface PendingDelivery {
  id: string;
  accountId: string;
  webhookId: string;
  eventId: string;
  eventType: string;
}

/** A delivery recorded as `skipped` (nothing is sent), with why. */
interface SkippedDelivery extends PendingDelivery {
  reason: string;
}

interface TransactionState {
  hooks: Map<string, Promise<ActiveWebhook[]>>;
  pending: PendingDelivery[];
  skipped: SkippedDelivery[];
}

// Per transaction (a batch of up to 1,000 events runs in one): the active webhooks are read once per account, and
// the deliveries of every event are written together by `flushDeliveries`.
const state = new WeakMap<EntityManager, TransactionState>();

function stateOf(em: EntityManager): TransactionState {
  let s = state.get(em);
  if (!s) {
    s = { hooks: new Map(), pending: [], skipped: [] };
    state.set(em, s);
  }
  return s;
}

function activeWebhooks(em: EntityManager, accountId: string): Promise<ActiveWebhook[]> {
  const { hooks } = stateOf(em);
  let found = hooks.get(accountId);
  if (!found) {
    found = em.execute<ActiveWebhook[]>(
      `select id, user_key, events, filters from webhooks where account_id = ? and status = 'active'`,
      [accountId],
    );
    hooks.set(accountId, found);
  }
  return found;
}

/** The job key of a delivery's next attempt: a manual retry replaces a scheduled one instead of adding a second. */
export function deliveryJobKey(deliveryId: string): string {
  return `delivery:${deliveryId}`;
}

/**
 * The webhook consumer: one `pending` delivery and one `deliver_webhook` job per active subscription whose event
 * patterns and filters match. They are written by {@link flushDeliveries} before the event's transaction commits,
 * so an acknowledged event is never lost. A subscription whose filter cannot be evaluated gets a `skipped`
 * delivery saying why (and a warning in the log), so the event is visible in its delivery log rather than gone.
 */
export async function fanOutToWebhooks(
  em: EntityManager,
  event: StoredEvent,
  deps?: Pick<ServerDeps, 'logger'>,
): Promise<void> {
  const hooks = await activeWebhooks(em, event.accountId);
  const { pending, skipped } = stateOf(em);
  for (const h of hooks) {
    if (!ownerReceives(h.user_key, event.userKey) || !matchesAnyEventPattern(h.events, event.type)) continue;
    const verdict = webhookFilterVerdict(h.filters, event);
    const delivery = {
      id: uuidv7(),
      accountId: event.accountId,
      webhookId: h.id,
      eventId: event.id,
      eventType: event.type,
    };
    if (verdict.error !== null) {
      deps?.logger.warn(
        { webhookId: h.id, eventId: event.id, deliveryId: delivery.id, reason: verdict.error },
        'webhook filter failed; delivery skipped',
      );
      skipped.push({ ...delivery, reason: verdict.error });
    } else if (verdict.match) pending.push(delivery);
  }
}

/**
 * SQL adding one `deliver_webhook` job per row of `cte` (its `id` is the delivery's), keyed like
 * {@link deliveryJobKey}, with `maxAttempts` (a placeholder) as their attempt limit: graphile-worker's add_jobs.
 */
export function addDeliveryJobsSql(cte: string, maxAttempts: string): string {
  return `graphile_worker.add_jobs(array(
    select row('deliver_webhook', json_build_object('delivery_id', ${cte}.id), null, null, ${maxAttempts},
               'delivery:' || ${cte}.id, null, null)::graphile_worker.job_spec
      from ${cte}))`;
}

// Every delivery row and its job in one statement (in the caller's transaction).
const WRITE_DELIVERIES = `
  with d as (
    insert into deliveries (id, account_id, webhook_id, event_id, event_type, status, attempts, next_attempt_at,
      created_at, updated_at)
    select t.id, t.account_id, t.webhook_id, t.event_id, t.event_type, 'pending', 0, now(), now(), now()
      from unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::uuid[], ?::text[])
           as t(id, account_id, webhook_id, event_id, event_type)
    returning id
  )
  select count(*)::int as n from ${addDeliveryJobsSql('d', '?::int')}`;

// A Postgres array literal of strings (MikroORM spreads JS arrays into separate parameters).
function pgArray(values: string[]): string {
  return `{${values.map((v) => `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
}

// Deliveries that send nothing: a webhook whose filter could not be evaluated for the event.
const WRITE_SKIPPED = `
  insert into deliveries (id, account_id, webhook_id, event_id, event_type, status, attempts, last_error,
    completed_at, created_at, updated_at)
  select t.id, t.account_id, t.webhook_id, t.event_id, t.event_type, 'skipped', 0, t.reason, now(), now(), now()
    from unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::uuid[], ?::text[], ?::text[])
         as t(id, account_id, webhook_id, event_id, event_type, reason)`;

/**
 * Writes the deliveries that {@link fanOutToWebhooks} decided in this transaction, with their jobs, in one round
 * trip (and the skipped ones in a second). Event ingestion calls it once, after the last event of a request and
 * before the commit.
 */
export async function flushDeliveries(em: EntityManager): Promise<number> {
  const s = state.get(em);
  const skipped = s?.skipped.splice(0) ?? [];
  if (skipped.length > 0) {
    await em.execute(WRITE_SKIPPED, [
      pgArray(skipped.map((p) => p.id)),
      pgArray(skipped.map((p) => p.accountId)),
      pgArray(skipped.map((p) => p.webhookId)),
      pgArray(skipped.map((p) => p.eventId)),
      pgArray(skipped.map((p) => p.eventType)),
      pgArray(skipped.map((p) => p.reason)),
    ]);
  }
  const pending = s?.pending.splice(0) ?? [];
  if (pending.length === 0) return 0;
  const [row] = await em.execute<{ n: number }[]>(WRITE_DELIVERIES, [
    pgArray(pending.map((p) => p.id)),
    pgArray(pending.map((p) => p.accountId)),
    pgArray(pending.map((p) => p.webhookId)),
    pgArray(pending.map((p) => p.eventId)),
    pgArray(pending.map((p) => p.eventType)),
    JOBS.deliver_webhook.maxAttempts,
  ]);
  if (row?.n !== pending.length) {
    throw new Error(`queued ${row?.n ?? 0} delivery jobs for ${pending.length} deliveries`);
  }
  return pending.length;
}
