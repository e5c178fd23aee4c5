import {
  entityOfEventType,
  isBuiltInEventType,
  isSystemEventType,
  type Problem,
  validateEventName,
} from '@switchyard/core';
import { uuidv7 } from 'uuidv7';
import { coalesced } from '../db/coalesce.ts';
import { Event } from '../db/entities/index.ts';
import type { EntityManager } from '../db/orm.ts';
import { type Queryable, run, runOne } from '../db/statement.ts';
import { planDeliveries } from '../deliveries/fanOut.ts';
import type { ServerDeps } from '../deps.ts';
import { AppError, notFound } from '../errors.ts';
import { catalogCandidates, recordSentEventTypes } from '../eventTypes/service.ts';
import { type StartResult, startExecutionsForEvents } from '../executions/start.ts';
import type { IdempotencyCharge } from '../http/idempotency.ts';
import { RateCharge } from '../http/rateLimit.ts';
import { type PageInput, paginate } from '../pagination.ts';
import { discoverUsers, MAIN_USER_KEY } from '../users/service.ts';
import {
  eventConsumers,
  hostConsumersRegistered,
  type IngestContext,
  type StoredEvent,
} from './consumers.ts';
import { entityIdOf } from './entityId.ts';
import {
  CLAIM_TAKEN,
  checkJobs,
  ingestParams,
  repeatKeys,
  snapshotOrder,
  storeInOneStatement,
} from './fastPath.ts';
import {
  cachedRouting,
  couldStartWorkflow,
  forgetRouting,
  subscribedHooks,
  transactionRouting,
} from './routing.ts';
import type { AcceptedEvent, EventInput, ListEventsInput } from './schema.ts';
import { FIND_EVENT_ID, INGEST, type IngestEventRow, READ_SNAPSHOTS } from './sql.ts';

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

/** The row the ingestion statement stores for an event, its id chosen here. */
function toEventRow(ev: NewEvent): IngestEventRow {
  return {
    req: 0,
    id: uuidv7(),
    external_id: ev.externalId ?? null,
    type: ev.type,
    entity: ev.entity ?? entityOfEventType(ev.type),
    entity_id: entityIdOf(ev),
    data: ev.data,
    has_previous: ev.previous !== undefined,
    previous: ev.previous ?? null,
    user_key: ev.userKey ?? MAIN_USER_KEY,
    occurred_at: (ev.occurredAt ?? new Date()).toISOString(),
    caused_by: ev.causedBy ?? [],
  };
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

async function existingId(on: Queryable, accountId: string, externalId: string): Promise<string | null> {
  return (await runOne(on, FIND_EVENT_ID, [accountId, externalId]))?.id ?? null;
}

// How often the store statement is tried again after finding the routing it was planned with stale.
const ROUTING_TRIES = 3;

/** One event as the general path stored it: accepted (or a duplicate), and the workflows it started. */
interface Outcome {
  accepted: AcceptedEvent;
  starts: StartResult[];
}

/** What the general path's caller hands it besides the events. */
interface StoreOptions {
  executionData: Record<string, unknown> | null;
  /** Adds the events' types to the catalog and creates their users (the host's events, not Switchyard's own). */
  withNames: boolean;
}

/**
 * The slices of `rows`, in order, in which no entity and no external id stands twice: one ingestion statement sees
 * the database as it was before it, so a second event on one entity must come in a statement after the first.
 */
function rounds(rows: readonly IngestEventRow[]): IngestEventRow[][] {
  const out: IngestEventRow[][] = [];
  let seen = new Set<string>();
  let round: IngestEventRow[] = [];
  for (const row of rows) {
    const keys = repeatKeys(row);
    if (keys.some((k) => seen.has(k))) {
      out.push(round);
      round = [];
      seen = new Set();
    }
    for (const k of keys) seen.add(k);
    round.push(row);
  }
  if (round.length > 0) out.push(round);
  return out;
}

/**
 * The general path, in `tem`'s transaction, for any number of events of one account, in order: decides the
 * deliveries with every filter applied (reading the entities' snapshots first, locked, only when a filter needs
 * `previous`; otherwise the ingestion statement answers it), stores the events with them in one ingestion
 * statement (a slice at a time when an entity or external id stands twice: see {@link rounds}),
 * starts the workflows they trigger together (one statement for the executions, one for their `workflow.triggered`),
 * then runs a host's consumers on each. An event whose `externalId` was seen before is not stored again: its first
 * id is returned with `duplicate: true`. Catalog names and users are added (`withNames`) in the one ingestion
 * statement; when there are several, or duplicates, after the events.
 */
async function storeEvents(
  tem: EntityManager,
  deps: ServerDeps,
  accountId: string,
  events: readonly NewEvent[],
  opts: StoreOptions,
): Promise<Outcome[]> {
  const slices = rounds(events.map(toEventRow));
  const namesInStatement = opts.withNames && slices.length === 1;
  const outcomes: Outcome[] = [];
  for (const slice of slices) {
    outcomes.push(...(await storeSlice(tem, deps, accountId, slice, opts, namesInStatement)));
  }
  if (opts.withNames) {
    // After the events, as the fast path does: every transaction locks snapshots, then catalog names, then users,
    // so two of them never wait on each other in a cycle. A duplicate's statement stored nothing, so added neither.
    const late = namesInStatement ? events.filter((_, i) => outcomes[i]?.accepted.duplicate) : events;
    if (late.length > 0) {
      await recordSentEventTypes(
        tem,
        accountId,
        late.map((e) => e.type),
      );
      await discoverUsers(
        tem,
        accountId,
        late.map((e) => e.userKey ?? MAIN_USER_KEY),
      );
    }
  }
  return outcomes;
}

/** Reads the snapshots `rows` replace (locked, in their order) into their events' `previous`. */
async function readPrevious(
  tem: EntityManager,
  accountId: string,
  rows: IngestEventRow[],
  events: Map<string, StoredEvent>,
): Promise<void> {
  const named = rows.filter((r) => r.entity !== null && r.entity_id !== null);
  const found =
    named.length === 0
      ? []
      : await run(tem, READ_SNAPSHOTS, [
          accountId,
          named.map((r) => r.entity as string),
          named.map((r) => r.entity_id as string),
        ]);
  const snapshots = new Map(found.map((s) => [snapshotOrder(s), s.data]));
  for (const row of rows) {
    row.previous = snapshots.get(snapshotOrder(row)) ?? null;
    row.has_previous = true;
    (events.get(row.id) as StoredEvent).previous = row.previous;
  }
}

/** {@link storeEvents} for events that name no entity and no external id twice, in one ingestion statement. */
async function storeSlice(
  tem: EntityManager,
  deps: ServerDeps,
  accountId: string,
  rows: IngestEventRow[],
  opts: StoreOptions,
  withNames: boolean,
): Promise<Outcome[]> {
  // Snapshots are locked in one order (entity, id) by every statement, so two of them never wait on each other.
  const sorted = [...rows].sort((a, b) => snapshotOrder(a).localeCompare(snapshotOrder(b)));
  const events = new Map<string, StoredEvent>();
  for (const row of sorted) {
    events.set(row.id, {
      id: row.id,
      accountId,
      type: row.type,
      entity: row.entity,
      entityId: row.entity_id,
      data: row.data,
      previous: row.previous,
      userKey: row.user_key,
      occurredAt: new Date(row.occurred_at),
      causedBy: row.caused_by,
    });
  }
  for (let tries = 0; tries < ROUTING_TRIES; tries++) {
    // The process's cached routing first (the statement checks its version as this transaction sees it); once
    // found stale, the routing as this transaction reads it.
    const routing =
      (tries === 0 ? cachedRouting(accountId) : undefined) ?? (await transactionRouting(tem, accountId));
    if (!routing) throw notFound(`Account ${accountId}`);
    // `previous` is needed before the statement only by a webhook filter; otherwise the statement works it out from
    // the snapshot it locks, and answers it.
    const unread = sorted.filter((r) => !r.has_previous);
    if (unread.some((r) => subscribedHooks(routing, r.type, r.user_key).some((h) => h.filters != null))) {
      await readPrevious(tem, accountId, unread, events);
    }
    const deliveries = sorted.flatMap((row) =>
      planDeliveries(
        subscribedHooks(routing, row.type, row.user_key),
        events.get(row.id) as StoredEvent,
        deps,
      ),
    );
    const types = withNames
      ? catalogCandidates(sorted.map((r) => r.type)).filter((t) => !routing.catalog.has(t))
      : [];
    const userKeys = withNames ? [...new Set(sorted.map((r) => r.user_key))].sort() : [];
    const result = await runOne(
      tem,
      INGEST,
      ingestParams(
        accountId,
        routing,
        sorted,
        deliveries,
        [{ key: null, place: 0 }],
        undefined,
        types,
        userKeys,
        [],
        sorted.some((r) => !r.has_previous),
      ),
    );
    if (result?.current !== 1) {
      // A webhook or workflow changed since the routing was read: nothing was written; read it again.
      if (tries > 0) forgetRouting(accountId, tem);
      continue;
    }
    const stored = new Set(result.stored);
    checkJobs(result.jobs, deliveries, stored);
    const fresh: StoredEvent[] = [];
    for (const row of sorted) {
      const event = events.get(row.id) as StoredEvent;
      if (!stored.has(row.id)) continue;
      if (!row.has_previous) event.previous = result.previous?.[row.id] ?? null;
      event.couldStartWorkflow = couldStartWorkflow(routing, row);
      fresh.push(event);
    }
    const starts = await startExecutionsForEvents(tem, deps, fresh, {
      executionData: opts.executionData,
      emit: emitEvents,
    });
    const startsOf = new Map(fresh.map((e, i) => [e.id, starts[i] ?? []]));
    for (const event of fresh) {
      const ctx: IngestContext = {
        executionData: opts.executionData,
        starts: startsOf.get(event.id) as StartResult[],
        emit: emitEvent,
      };
      for (const consume of eventConsumers) await consume(tem, event, deps, ctx);
    }
    const outcomes: Outcome[] = [];
    for (const row of rows) {
      const starts = startsOf.get(row.id);
      if (starts) {
        outcomes.push({ accepted: { id: row.id, duplicate: false }, starts });
        continue;
      }
      // Sent before, or by a concurrent request that committed first (we waited on the unique index).
      const seen = await existingId(tem, accountId, row.external_id ?? '');
      if (!seen) throw new Error('an event was neither stored nor a duplicate');
      outcomes.push({ accepted: { id: seen, duplicate: true }, starts: [] });
    }
    return outcomes;
  }
  throw new Error(`the routing of account ${accountId} kept changing while an event was stored`);
}

/** How a caller ingests: where a problem's path points, and `POST /v1/trigger`'s `execution_data`. */
export interface IngestOptions {
  path?: (i: number) => string;
  executionData?: Record<string, unknown> | null;
  /** The request's rate-limit count, added by the fast path's statement (else counted before the transaction). */
  rateCharge?: RateCharge;
  /**
   * The request's Idempotency-Key, and the answer the call gives with its events accepted: claimed in the fast
   * path's statement with that answer when no event carries an id of the host's (none can be a duplicate, so the
   * answer is known before), else claimed before the events are stored.
   */
  idempotency?: { charge: IdempotencyCharge; respond: (accepted: AcceptedEvent[]) => unknown };
}

/** The events as accepted, and the workflows they started (or refused), in order. */
export interface Ingested {
  accepted: AcceptedEvent[];
  starts: StartResult[];
}

function checkNames(inputs: readonly EventInput[], path: (i: number) => string): void {
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
}

/**
 * Accepts events from the host (never inside a caller's transaction: its fast path writes on a connection of its
 * own): checks every name first (nothing is stored when one is malformed: 400 `validation_error`, or one only
 * Switchyard emits: 400 `invalid_events`), then stores them and enqueues their work atomically. Any well-formed name
 * is accepted, matching something or not; names new to the account join its catalog as sent, and users the events
 * name that do not exist yet are created (auto-discovery).
 *
 * Two paths, one statement: events that need nothing but storing and plain deliveries take the fast path (one
 * statement on the pool); the others, or all of them while a host consumer is registered, are stored one by one in
 * a transaction that runs the consumers (workflow starts) on each, shared by the requests that arrive together (see
 * {@link groupedIngest}).
 */
export async function ingestEvents(
  em: EntityManager,
  deps: ServerDeps,
  accountId: string,
  inputs: EventInput[],
  opts: IngestOptions = {},
): Promise<Ingested> {
  checkNames(inputs, opts.path ?? ((i) => `events[${i}].type`));
  const events = inputs.map(toNewEvent);
  const idem = opts.idempotency;
  if (!hostConsumersRegistered()) {
    const rows = events.map(toEventRow);
    const claim =
      idem && rows.every((r) => r.external_id === null)
        ? idem.charge.inStatement(idem.respond(rows.map((r) => ({ id: r.id, duplicate: false }))))
        : undefined;
    if (idem && !claim) await idem.charge.claimAlone();
    const stored = await storeInOneStatement(deps, accountId, rows, opts.rateCharge, claim);
    if (stored === CLAIM_TAKEN) {
      // Another call holds the key: its answer is replayed once there is one (claimAlone throws it), or, when
      // that call gave the key up, this one claims it and stores its events as a call without a key would.
      await idem?.charge.claimAlone();
      const rateCharge = opts.rateCharge?.settled ? undefined : opts.rateCharge;
      return ingestEvents(em, deps, accountId, inputs, { ...opts, rateCharge, idempotency: undefined });
    }
    if (stored) {
      if (claim) idem?.charge.recorded();
      const accepted: AcceptedEvent[] = [];
      for (const [i, id] of stored.entries()) {
        if (id) {
          accepted.push({ id, duplicate: false });
          continue;
        }
        // Only an event with an id the account sent before is not stored.
        const seen = await existingId(deps.pool, accountId, rows[i]?.external_id ?? '');
        if (!seen) throw new Error('an event was neither stored nor a duplicate');
        accepted.push({ id: seen, duplicate: true });
      }
      return { accepted, starts: [] };
    }
  }
  // The general path does its work before its answer is known: the key is claimed first.
  await idem?.charge.claimAlone();
  const general: GeneralCall = {
    accountId,
    events,
    executionData: opts.executionData ?? null,
    rateCharge: opts.rateCharge,
  };
  // `POST /v1/trigger`'s event form is rare and carries its own data: it goes alone; events group-commit.
  if (general.executionData === null) return groupedIngest(deps, general);
  await opts.rateCharge?.consume();
  return em.transactional(async (tem) => (await storeCalls(tem, deps, [general]))[0] as Ingested);
}

/** One request's events on the general path (see {@link ingestEvents}). */
interface GeneralCall {
  accountId: string;
  events: NewEvent[];
  executionData: Record<string, unknown> | null;
  /** Counted before the transaction (a group's calls together, one limiter call per key). */
  rateCharge: RateCharge | undefined;
}

/**
 * Stores the events of `calls` in `tem`'s transaction, all together in one {@link storeEvents}, each call's events in
 * its own order. The calls are of one account and one `execution_data`: a lane's group (see {@link groupedIngest}),
 * or a lone call.
 */
async function storeCalls(
  tem: EntityManager,
  deps: ServerDeps,
  calls: readonly GeneralCall[],
): Promise<Ingested[]> {
  const first = calls[0] as GeneralCall;
  const outcomes = await storeEvents(
    tem,
    deps,
    first.accountId,
    calls.flatMap((c) => c.events),
    { executionData: first.executionData, withNames: true },
  );
  let next = 0;
  return calls.map((c) => {
    const mine = outcomes.slice(next, next + c.events.length);
    next += c.events.length;
    return { accepted: mine.map((o) => o.accepted), starts: mine.flatMap((o) => o.starts) };
  });
}

/**
 * The general path, group-committed per account and server: while one of an account's transactions runs, its
 * requests that come wait and then go together in the next (one commit, one WAL flush for all of them), their
 * events stored together as if one request had sent them all; other accounts' requests never wait for it. One
 * transaction at a time makes the groups larger (measured: executions at 0.92× of single events against 0.82× with
 * two). When that transaction fails (one request's bad input, a deadlock), each of its requests runs again alone, so
 * one request's failure is never another's.
 */
interface Lane {
  /** Calls in the lane, waiting or running: the lane is dropped when none is left. */
  pending: number;
  run: (call: GeneralCall) => Promise<{ ok: Ingested } | { refused: unknown }>;
}

const lanesOf = new WeakMap<ServerDeps, Map<string, Lane>>();

function newLane(deps: ServerDeps): Lane {
  const run = coalesced(
    async (calls: GeneralCall[]): Promise<({ ok: Ingested } | { refused: unknown })[]> => {
      // The group's rate-limit counts first, together; a call past the limit answers 429 and stores nothing.
      const refusals = await RateCharge.consumeAll(calls.map((c) => c.rateCharge));
      const allowed = calls.filter((_, i) => refusals[i] === null);
      const stored =
        allowed.length === 0
          ? []
          : await deps.orm.em.fork().transactional((tem) => storeCalls(tem, deps, allowed));
      let next = 0;
      return calls.map((_, i) =>
        refusals[i] === null ? { ok: stored[next++] as Ingested } : { refused: refusals[i] },
      );
    },
    { maxItems: 20, maxInFlight: 1 },
  );
  return { pending: 0, run };
}

async function groupedIngest(deps: ServerDeps, call: GeneralCall): Promise<Ingested> {
  let lanes = lanesOf.get(deps);
  if (!lanes) {
    lanes = new Map();
    lanesOf.set(deps, lanes);
  }
  let lane = lanes.get(call.accountId);
  if (!lane) {
    lane = newLane(deps);
    lanes.set(call.accountId, lane);
  }
  lane.pending++;
  try {
    const r = await lane.run(call);
    if ('refused' in r) throw r.refused;
    return r.ok;
  } finally {
    if (--lane.pending === 0) lanes.delete(call.accountId);
  }
}

/**
 * Stores events Switchyard itself raises (`workflow.triggered`, `webhook.disabled`, `workflow.disabled`,
 * `workflow.execution_failed`) together and starts what they trigger, in `em`'s transaction when it has one (no
 * savepoint: a failure fails that transaction), else in one of its own. Usable from the worker. No catalog check.
 */
export async function emitEvents(
  em: EntityManager,
  deps: ServerDeps,
  accountId: string,
  events: readonly NewEvent[],
): Promise<AcceptedEvent[]> {
  const store = async (tem: EntityManager) =>
    (await storeEvents(tem, deps, accountId, events, { executionData: null, withNames: false })).map(
      (o) => o.accepted,
    );
  return em.isInTransaction() ? store(em) : em.transactional(store);
}

/** {@link emitEvents} of one event. */
export async function emitEvent(
  em: EntityManager,
  deps: ServerDeps,
  accountId: string,
  event: NewEvent,
): Promise<AcceptedEvent> {
  const [accepted] = await emitEvents(em, deps, accountId, [event]);
  return accepted as AcceptedEvent;
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
