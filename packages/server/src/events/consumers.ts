import type { EntityManager } from '../db/orm.ts';
import type { ServerDeps } from '../deps.ts';
import type { StartResult } from '../executions/start.ts';
import type { emitEvent, emitEvents } from './service.ts';

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
  /**
   * False when the account's routing, checked current by the statement that stored the event, has no workflow
   * listening on its type or entity: the workflow lookup is skipped.
   */
  couldStartWorkflow?: boolean;
}

/** Stores an event Switchyard raises itself, in `em`'s transaction: ingestion's own `emitEvent`. */
export type EmitEvent = typeof emitEvent;

/** Stores events Switchyard raises itself together, in `em`'s transaction: ingestion's own `emitEvents`. */
export type EmitEvents = typeof emitEvents;

/** What the caller of one ingestion hands its consumers, and what they hand back. */
export interface IngestContext {
  /** `execution_data` of `POST /v1/trigger`'s event form, given to the executions the event starts. */
  executionData: Record<string, unknown> | null;
  /** The workflows the event started or refused, in order. */
  starts: StartResult[];
  /** How a consumer emits events of its own in the same transaction. */
  emit: EmitEvent;
}

/**
 * A host's own consumer: turns a stored event into work with `em`, which is the storing transaction, so whatever it
 * enqueues commits or rolls back with the event. It runs after the event's workflows were started (their results
 * are in `ctx.starts`). Webhook deliveries and workflow starts are not consumers: ingestion writes them itself.
 */
export type EventConsumer = (
  em: EntityManager,
  event: StoredEvent,
  deps: ServerDeps,
  ctx: IngestContext,
) => Promise<void>;

/** A host's own consumers, run in order on each stored event. */
export const eventConsumers: EventConsumer[] = [];

/**
 * True while a host registered a consumer of its own: such events are stored in a transaction the consumers run
 * in, never by the one-statement path (which knows only what ingestion does itself).
 */
export function hostConsumersRegistered(): boolean {
  return eventConsumers.length > 0;
}
