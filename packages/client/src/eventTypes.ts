/**
 * The 28 built-in event types as literal types, so a receiver can `switch (event.type)` with exhaustiveness. Core's
 * catalog (`BUILT_IN_EVENT_TYPES`) is the source of truth; a test keeps this list equal to it.
 */
export const BUILT_IN_EVENT_TYPE_NAMES = [
  'contact.created',
  'contact.updated',
  'contact.deleted',
  'contact.owner_changed',
  'deal.created',
  'deal.updated',
  'deal.deleted',
  'deal.stage_changed',
  'deal.won',
  'deal.lost',
  'task.created',
  'task.updated',
  'task.completed',
  'task.deleted',
  'email.sent',
  'email.opened',
  'email.clicked',
  'email.replied',
  'email.bounced',
  'meeting.scheduled',
  'meeting.updated',
  'meeting.canceled',
  'meeting.completed',
  'form.submitted',
  'workflow.triggered',
  'workflow.disabled',
  'workflow.execution_failed',
  'webhook.disabled',
] as const;

/** A built-in event type name. */
export type BuiltInEventType = (typeof BUILT_IN_EVENT_TYPE_NAMES)[number];

/** The entity an event is about, as the host app sent it. */
export type EntityData = Record<string, unknown>;

/**
 * The `data` of each event type. Built-in entity events carry the host app's own entity, so their data is open;
 * extend this map with your entities' shapes and your custom types: `EventDataMap & { 'deal.won': Deal }`.
 */
export type EventDataMap = { [K in BuiltInEventType]: EntityData };

/** One delivered event: the body Switchyard POSTs to a webhook (`{ type, timestamp, data }`). */
export interface WebhookEventOf<T extends string, D> {
  type: T;
  /** When the event happened (ISO 8601). */
  timestamp: string;
  data: D;
}

/** A delivered event of any type in `M`, discriminated by `type`. */
export type WebhookEvent<M extends Record<string, unknown> = EventDataMap> = {
  [K in keyof M & string]: WebhookEventOf<K, M[K]>;
}[keyof M & string];
