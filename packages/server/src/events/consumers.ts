import type { EntityManager } from '../db/orm.ts';
import { fanOutToWebhooks } from '../deliveries/fanOut.ts';
import type { ServerDeps } from '../deps.ts';
import { startExecutionsForEvent } from '../executions/start.ts';

/** An event as stored, handed to every consumer inside the transaction that stored it. */
export interface StoredEvent {
  id: string;
  accountId: string;
  type: string;
  entity: string | null;
  entityId: string | null;
  data: Record<string, unknown>;
  previous: Record<string, unknown> | null;
  userKey: string;
  occurredAt: Date;
  /** Chain of execution ids that caused it (loop guard). */
  causedBy: string[];
}

/**
 * Turns a stored event into work (deliveries, executions) with `em`, which is the storing transaction: whatever a
 * consumer enqueues commits or rolls back with the event.
 */
export type EventConsumer = (em: EntityManager, event: StoredEvent, deps: ServerDeps) => Promise<void>;

const BUILT_IN: readonly EventConsumer[] = [fanOutToWebhooks, startExecutionsForEvent];

/** Every consumer, run in order for each event: the webhook fan-out and the workflow starts, then a host's own. */
export const eventConsumers: EventConsumer[] = [...BUILT_IN];

/** True while no consumer but the built-ins is registered (their work is all the one-statement ingestion does). */
export function onlyBuiltInConsumers(): boolean {
  return eventConsumers.length === BUILT_IN.length && BUILT_IN.every((c, i) => eventConsumers[i] === c);
}
