import type { EntityManager } from '../db/orm.ts';
import type { ServerDeps } from '../deps.ts';
import { type StartResult, startExecutionsForEvent } from '../executions/start.ts';
import type { emitEvent } from './service.ts';

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

/** What the caller of one ingestion hands its consumers, and what they hand back. */
export interface IngestContext {
  /** `execution_data` of `POST /v1/trigger`'s event form, given to the executions the event starts. */
  executionData: Record<string, unknown> | null;
  /** The workflows the events started or refused, in order. */
  starts: StartResult[];
  /** How a consumer emits events of its own (`workflow.triggered`) in the same transaction. */
  emit: EmitEvent;
}

/**
 * Turns a stored event into work with `em`, which is the storing transaction: whatever a consumer enqueues commits
 * or rolls back with the event. (Webhook deliveries are not a consumer: ingestion writes them with the event.)
 */
export type EventConsumer = (
  em: EntityManager,
  event: StoredEvent,
  deps: ServerDeps,
  ctx: IngestContext,
) => Promise<void>;

const BUILT_IN: readonly EventConsumer[] = [startExecutionsForEvent];

/** Every consumer, run in order for each event: the workflow starts, then a host's own. */
export const eventConsumers: EventConsumer[] = [...BUILT_IN];

/**
 * True while a host registered a consumer of its own: such events are stored in a transaction the consumers run
 * in, never by the one-statement path (which knows only what the built-ins do).
 */
export function hostConsumersRegistered(): boolean {
  return eventConsumers.length !== BUILT_IN.length || BUILT_IN.some((c, i) => eventConsumers[i] !== c);
}
