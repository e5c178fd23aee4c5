import {
  entityOfEventType,
  isBuiltInEventType,
  isSystemEventType,
  type Problem,
  validateEventName,
} from '@switchyard/core';
import { uuidv7 } from 'uuidv7';
import { Event } from '../db/entities/index.ts';
import type { EntityManager } from '../db/orm.ts';
import { flushDeliveries } from '../deliveries/fanOut.ts';
import type { ServerDeps } from '../deps.ts';
import { AppError, notFound } from '../errors.ts';
import { recordSentEventTypes } from '../eventTypes/service.ts';
import { type PageInput, paginate } from '../pagination.ts';
import { discoverUsers, MAIN_USER_KEY } from '../users/service.ts';
import { eventConsumers, onlyBuiltInConsumers, type StoredEvent } from './consumers.ts';
import { entityIdOf } from './entityId.ts';
import { ingestInOneStatement } from './fastPath.ts';
import type { AcceptedEvent, EventInput, ListEventsInput } from './schema.ts';

/** An event to store: what the API accepts, and what Switchyard emits itself (`webhook.disabled`, …). */
export interface NewEvent {
  type: string;
  data: Record<string, unknown>;
  /** The host's own id (deduplicates). */
  externalId?: string | null;
  /** Defaults to the part of `type` before the dot. */
  entity?: string | null;
  /** Defaults to `data.id`. */
  entityId?: string | null;
  /** Undefined: taken from the entity's last snapshot. */
  previous?: Record<string, unknown> | null;
  userKey?: string;
  occurredAt?: Date;
  causedBy?: string[];
}

// Its own module, so that the one-statement path (fastPath.ts) imports it without importing this one.
export { entityIdOf };

// The columns of an event row, in the order of the insert below.
const EVENT_COLUMNS = `id, account_id, external_id, type, entity, entity_id, data, previous, user_key, occurred_at,
  caused_by, created_at`;

// An event without an entity id: the row alone.
const INSERT_EVENT = `
  insert into events (${EVENT_COLUMNS})
  values (?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?::jsonb, now())
  on conflict (account_id, external_id) do nothing
  returning id, previous`;

// An event of an entity, in one round trip: read the entity's last snapshot (`previous` when the host sent none),
// replace it unless the stored one is newer (events out of order), and insert the event. Every part of the statement
// sees the database as it was before it, so `old` is the snapshot before this event.
const INSERT_EVENT_WITH_SNAPSHOT = `
  with old as (
    select data from entity_snapshots where account_id = ? and entity = ? and entity_id = ? for update
  ), up as (
    insert into entity_snapshots (account_id, entity, entity_id, data, event_id, occurred_at)
    values (?, ?, ?, ?::jsonb, ?, ?)
    on conflict (account_id, entity, entity_id) do update
      set data = excluded.data, event_id = excluded.event_id, occurred_at = excluded.occurred_at
      where entity_snapshots.occurred_at <= excluded.occurred_at
  )
  insert into events (${EVENT_COLUMNS})
  values (?, ?, ?, ?, ?, ?, ?::jsonb,
          case when ?::boolean then ?::jsonb else (select data from old) end,
          ?, ?, ?::jsonb, now())
  on conflict (account_id, external_id) do nothing
  returning id, previous`;

async function existingId(em: EntityManager, accountId: string, externalId: string): Promise<string | null> {
  const [row] = await em.execute<{ id: string }[]>(
    'select id from events where account_id = ? and external_id = ?',
    [accountId, externalId],
  );
  return row?.id ?? null;
}

/**
 * Stores one event inside the caller's transaction and runs every consumer on it. An event whose `externalId` was
 * seen before is not stored again: its first id is returned with `duplicate: true`.
 */
async function storeEvent(
  em: EntityManager,
  deps: ServerDeps,
  accountId: string,
  ev: NewEvent,
): Promise<{ id: string; duplicate: boolean }> {
  const externalId = ev.externalId ?? null;
  if (externalId) {
    const seen = await existingId(em, accountId, externalId);
    if (seen) return { id: seen, duplicate: true };
  }
  const id = uuidv7();
  const entity = ev.entity ?? entityOfEventType(ev.type);
  const entityId = entityIdOf(ev);
  const occurredAt = ev.occurredAt ?? new Date();
  const userKey = ev.userKey ?? 'main';
  const causedBy = ev.causedBy ?? [];
  const data = JSON.stringify(ev.data);
  const given = ev.previous == null ? null : JSON.stringify(ev.previous);
  const row = [id, accountId, externalId, ev.type, entity, entityId, data];
  const tail = [userKey, occurredAt, JSON.stringify(causedBy)];
  const inserted = entityId
    ? await em.execute<{ id: string; previous: Record<string, unknown> | null }[]>(
        INSERT_EVENT_WITH_SNAPSHOT,
        [
          accountId,
          entity,
          entityId,
          accountId,
          entity,
          entityId,
          data,
          id,
          occurredAt,
          ...row,
          ev.previous !== undefined,
          given,
          ...tail,
        ],
      )
    : await em.execute<{ id: string; previous: Record<string, unknown> | null }[]>(INSERT_EVENT, [
        ...row,
        given,
        ...tail,
      ]);
  if (inserted.length === 0 && externalId) {
    // A concurrent request stored the same event first (it committed while we waited on the unique index).
    return { id: (await existingId(em, accountId, externalId)) ?? id, duplicate: true };
  }
  const stored: StoredEvent = {
    id,
    accountId,
    type: ev.type,
    entity,
    entityId,
    data: ev.data,
    previous: inserted[0]?.previous ?? null,
    userKey,
    occurredAt,
    causedBy,
  };
  for (const consume of eventConsumers) await consume(em, stored, deps);
  return { id, duplicate: false };
}

function toNewEvent(input: EventInput): NewEvent {
  return {
    type: input.type,
    data: input.data,
    externalId: input.id ?? null,
    entity: input.entity ?? null,
    entityId: input.entity_id ?? null,
    previous: input.previous,
    userKey: input.user_key,
    occurredAt: input.occurred_at ? new Date(input.occurred_at) : undefined,
    causedBy: input.caused_by,
  };
}

/**
 * Accepts events from the host: checks every name first (nothing is stored when one is malformed: 400
 * `validation_error`, or one only Switchyard emits: 400 `invalid_events`), then stores them and enqueues their work
 * in one transaction. Any well-formed name is accepted, matching something or not; names new to the account join its
 * catalog as sent, and users the events name that do not exist yet are created (auto-discovery).
 */
export async function ingestEvents(
  em: EntityManager,
  deps: ServerDeps,
  accountId: string,
  inputs: EventInput[],
  path: (i: number) => string = (i) => `events[${i}].type`,
): Promise<AcceptedEvent[]> {
  const malformed: Problem[] = [];
  const system: Problem[] = [];
  inputs.forEach((input, i) => {
    // The built-in names are well formed: the common case costs no regex.
    const shape = isBuiltInEventType(input.type) ? [] : validateEventName(input.type, path(i));
    if (shape.length > 0) malformed.push(...shape);
    // Switchyard emits these itself; a host posting one would forge a system notice.
    else if (isSystemEventType(input.type))
      system.push({ path: path(i), message: `"${input.type}" events are emitted by Switchyard only` });
  });
  if (malformed.length > 0) {
    throw new AppError('validation_error', malformed.map((p) => p.message).join('; '), malformed);
  }
  if (system.length > 0) {
    throw new AppError(
      'invalid_events',
      // The values, not the field: `"workflow.x" events are emitted by Switchyard only`.
      system.map((p) => p.message).join('; '),
      system,
    );
  }
  const events = inputs.map(toNewEvent);
  const stored = onlyBuiltInConsumers() ? await ingestInOneStatement(em, deps.pool, accountId, events) : null;
  if (stored) {
    const out: AcceptedEvent[] = [];
    for (const [i, id] of stored.entries()) {
      // Only an event with an id the account sent before is not stored.
      const seen = id ? null : await existingId(em, accountId, events[i]?.externalId ?? '');
      if (!id && !seen) throw new Error('an event was neither stored nor a duplicate');
      out.push(id ? { id, duplicate: false } : { id: seen as string, duplicate: true });
    }
    return out;
  }
  return em.transactional(async (tem) => {
    const out: AcceptedEvent[] = [];
    for (const ev of events) out.push(await storeEvent(tem, deps, accountId, ev));
    await flushDeliveries(tem);
    // After the events, as the one-statement path does: every transaction locks snapshots, then catalog names,
    // then users, so two of them never wait on each other in a cycle.
    await recordSentEventTypes(
      tem,
      accountId,
      events.map((e) => e.type),
    );
    await discoverUsers(
      tem,
      accountId,
      events.map((e) => e.userKey ?? MAIN_USER_KEY),
    );
    return out;
  });
}

/**
 * Stores an event Switchyard itself raises (`webhook.disabled`, `workflow.disabled`, `workflow.execution_failed`)
 * and runs the consumers, in `em`'s transaction when it has one. Usable from the worker. No catalog check.
 */
export async function emitEvent(
  em: EntityManager,
  deps: ServerDeps,
  accountId: string,
  event: NewEvent,
): Promise<{ id: string; duplicate: boolean }> {
  return em.transactional(async (tem) => {
    const stored = await storeEvent(tem, deps, accountId, event);
    await flushDeliveries(tem);
    return stored;
  });
}

/** One event of the account, or 404. */
export async function getEvent(em: EntityManager, accountId: string, id: string): Promise<Event> {
  const event = await em.findOne(Event, { id, accountId });
  if (!event) throw notFound(`Event ${id}`);
  return event;
}

/** A page of the account's events, newest first. */
export async function listEvents(em: EntityManager, accountId: string, input: ListEventsInput) {
  const where: Record<string, unknown> = { accountId };
  if (input.type) where.type = input.type;
  if (input.entity) where.entity = input.entity;
  if (input.entity_id) where.entityId = input.entity_id;
  return paginate<Event>(em, Event, where, input as PageInput);
}
