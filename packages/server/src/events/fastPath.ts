import { entityOfEventType, JOBS, matchesAnyEventPattern } from '@switchyard/core';
import type pg from 'pg';
import { uuidv7 } from 'uuidv7';
import type { EntityManager } from '../db/orm.ts';
import { addDeliveryJobsSql, ownerReceives } from '../deliveries/fanOut.ts';
import { catalogCandidates } from '../eventTypes/service.ts';
import { EMPTY_USER_CONFIG } from '../users/service.ts';
import { lookupKeysOf } from '../workflows/triggers.ts';
import { entityIdOf } from './entityId.ts';
import type { NewEvent } from './service.ts';

/**
 * Where an account's events go, as one statement read it: the active webhooks and the keys of the workflows an
 * event could start (`user_key` + trigger key). `version` is `accounts.routing_version` at that moment; triggers
 * bump it whenever any of this changes.
 */
interface Routing {
  version: string;
  hooks: { id: string; user_key: string | null; events: string[]; filters: unknown }[];
  workflowKeys: Set<string>;
  /** The account's own catalog names (registered or sent), so a name new to it is written once, not every time. */
  catalog: Set<string>;
}

const MAX_ACCOUNTS = 10_000;
const routingCache = new Map<string, Routing>();

const LOAD_ROUTING = `
  select a.routing_version::text as version,
         (select coalesce(json_agg(json_build_object('id', w.id, 'user_key', w.user_key, 'events', w.events,
                                                 'filters', w.filters)), '[]')
            from webhooks w where w.account_id = a.id and w.status = 'active') as hooks,
         (select coalesce(array_agg(distinct wf.user_key || chr(31) || k), '{}')
            from workflows wf, unnest(wf.trigger_keys) k
           where wf.account_id = a.id and wf.enabled and wf.deleted_at is null and wf.template is not null)
           as workflow_keys,
         (select coalesce(array_agg(t.type), '{}') from event_types t where t.account_id = a.id) as catalog
    from accounts a where a.id = ?`;

async function loadRouting(em: EntityManager, accountId: string): Promise<Routing | null> {
  const [row] = await em.execute<
    { version: string; hooks: Routing['hooks']; workflow_keys: string[]; catalog: string[] }[]
  >(LOAD_ROUTING, [accountId]);
  if (!row) return null;
  const routing = {
    version: row.version,
    hooks: row.hooks,
    workflowKeys: new Set(row.workflow_keys),
    catalog: new Set(row.catalog),
  };
  if (routingCache.size >= MAX_ACCOUNTS) routingCache.clear();
  routingCache.set(accountId, routing);
  return routing;
}

/** An event ready for the one-statement insert, with the deliveries the cached routing gives it. */
interface FastEvent {
  id: string;
  external_id: string | null;
  type: string;
  entity: string | null;
  entity_id: string | null;
  data: Record<string, unknown>;
  has_previous: boolean;
  previous: Record<string, unknown> | null;
  user_key: string;
  occurred_at: string;
  caused_by: string[];
}

/**
 * The deliveries of `ev` under `routing`, or null when the event needs the general path: it could start a
 * workflow, or a webhook it matches has filters (they may read `previous`, known only once the event is stored).
 */
function plainDeliveries(routing: Routing, ev: FastEvent): string[] | null {
  for (const key of lookupKeysOf(ev)) {
    if (routing.workflowKeys.has(`${ev.user_key}\u001f${key}`)) return null;
  }
  const hooks: string[] = [];
  for (const h of routing.hooks) {
    if (!ownerReceives(h.user_key, ev.user_key) || !matchesAnyEventPattern(h.events, ev.type)) continue;
    if (h.filters != null) return null;
    hooks.push(h.id);
  }
  return hooks;
}

// The whole ingestion in one statement, atomic on its own: unless the account's routing version is still the one
// the deliveries were decided with, it writes nothing. Otherwise, for each event whose external id is new, it reads
// and replaces the entity's snapshot (the host's `previous`, else the snapshot before this event), inserts the
// event, and writes its deliveries with their jobs (graphile-worker's add_jobs). Names new to the account's catalog
// ($6, $7) are added as sent, and users the events name ($8, $9) are created unless they exist (auto-discovery).
const INGEST = `
  with acct as (
    select 1 from accounts where id = $1::uuid and routing_version = $2::bigint
  ), input as (
    select * from json_to_recordset($3::json) as t(id uuid, external_id text, type text, entity text, entity_id text,
      data jsonb, has_previous boolean, previous jsonb, user_key text, occurred_at timestamptz, caused_by jsonb)
     where exists (select 1 from acct)
  ), fresh as (
    select i.* from input i
     where i.external_id is null
        or not exists (select 1 from events e where e.account_id = $1::uuid and e.external_id = i.external_id)
  ), old as (
    -- One primary-key lookup per event (lateral), never a scan of the account's snapshots.
    select s.entity, s.entity_id, s.data from fresh f
      cross join lateral (
        select * from entity_snapshots s
         where s.account_id = $1::uuid and s.entity = f.entity and s.entity_id = f.entity_id
           for update
      ) s
  ), up as (
    insert into entity_snapshots (account_id, entity, entity_id, data, event_id, occurred_at)
    select $1::uuid, f.entity, f.entity_id, f.data, f.id, f.occurred_at from fresh f
     where f.entity is not null and f.entity_id is not null
    on conflict (account_id, entity, entity_id) do update
      set data = excluded.data, event_id = excluded.event_id, occurred_at = excluded.occurred_at
      where entity_snapshots.occurred_at <= excluded.occurred_at
  ), ev as (
    insert into events (id, account_id, external_id, type, entity, entity_id, data, previous, user_key, occurred_at,
      caused_by, created_at)
    select f.id, $1::uuid, f.external_id, f.type, f.entity, f.entity_id, f.data,
           case when f.has_previous then f.previous else o.data end, f.user_key, f.occurred_at, f.caused_by, now()
      from fresh f left join old o on o.entity = f.entity and o.entity_id = f.entity_id
    on conflict (account_id, external_id) do nothing
    returning id
  ), d as (
    insert into deliveries (id, account_id, webhook_id, event_id, event_type, status, attempts, next_attempt_at,
      created_at, updated_at)
    select t.id, $1::uuid, t.webhook_id, t.event_id, t.event_type, 'pending', 0, now(), now(), now()
      from json_to_recordset($4::json) as t(id uuid, webhook_id uuid, event_id uuid, event_type text)
     where t.event_id in (select id from ev)
    returning id
  ), jobs as (
    select count(*)::int as n from ${addDeliveryJobsSql('d', '$5::int')}
  ), sent_types as (
    insert into event_types (id, account_id, type, description, registered, created_at)
    select t.id, $1::uuid, t.type, null, false, now() from unnest($6::uuid[], $7::text[]) as t(id, type)
     where exists (select 1 from acct)
    on conflict (account_id, type) do nothing
  ), discovered as (
    insert into users (id, account_id, key, groups, config, created_at, updated_at)
    select u.id, $1::uuid, u.key, '[]', $10::jsonb, now(), now()
      from unnest($8::uuid[], $9::text[]) with ordinality as u(id, key, n)
     where exists (select 1 from acct)
     order by u.n
    on conflict (account_id, key) do nothing
  )
  select (select count(*) from acct)::int as current,
         coalesce((select array_agg(id::text) from ev), '{}') as stored,
         (select n from jobs) as jobs`;

function toFastEvent(ev: NewEvent): FastEvent {
  return {
    id: uuidv7(),
    external_id: ev.externalId ?? null,
    type: ev.type,
    entity: ev.entity ?? entityOfEventType(ev.type),
    entity_id: entityIdOf(ev),
    data: ev.data,
    has_previous: ev.previous !== undefined,
    previous: ev.previous ?? null,
    user_key: ev.userKey ?? 'main',
    occurred_at: (ev.occurredAt ?? new Date()).toISOString(),
    caused_by: ev.causedBy ?? [],
  };
}

/** Events a batch may not hold twice for the one-statement path (the statement would see both as new). */
function hasRepeats(events: FastEvent[]): boolean {
  const entities = new Set<string>();
  const externals = new Set<string>();
  for (const e of events) {
    if (e.entity_id !== null) {
      const k = `${e.entity}\u001f${e.entity_id}`;
      if (entities.has(k)) return true;
      entities.add(k);
    }
    if (e.external_id !== null) {
      if (externals.has(e.external_id)) return true;
      externals.add(e.external_id);
    }
  }
  return false;
}

/**
 * Stores events and their webhook deliveries in one statement when that is all they need, which is the common
 * case: no workflow could start, no matching webhook has filters, and a batch names each entity and external id at
 * most once, and the caller has no transaction open. Returns null when the events need the general path (nothing is
 * written then). The result holds each
 * event's id, or null for an event whose external id was seen before.
 */
export async function ingestInOneStatement(
  em: EntityManager,
  pool: pg.Pool,
  accountId: string,
  events: readonly NewEvent[],
): Promise<(string | null)[] | null> {
  // Inside a caller's transaction the statement would have to run on its connection: the general path does.
  if (em.isInTransaction()) return null;
  const fast = events.map(toFastEvent);
  if (hasRepeats(fast)) return null;
  for (let tries = 0; tries < 3; tries++) {
    const routing = routingCache.get(accountId) ?? (await loadRouting(em, accountId));
    if (!routing) return null;
    const deliveries: { id: string; webhook_id: string; event_id: string; event_type: string }[] = [];
    for (const ev of fast) {
      const hooks = plainDeliveries(routing, ev);
      if (hooks === null) return null;
      for (const h of hooks)
        deliveries.push({ id: uuidv7(), webhook_id: h, event_id: ev.id, event_type: ev.type });
    }
    const newTypes = catalogCandidates(fast.map((e) => e.type)).filter((t) => !routing.catalog.has(t));
    const userKeys = [...new Set(fast.map((e) => e.user_key))].sort();
    // A named statement: planned once per connection, not parsed and planned on every event.
    const { rows } = await pool.query<{ current: number; stored: string[]; jobs: number }>({
      name: 'switchyard_ingest_events',
      text: INGEST,
      values: [
        accountId,
        routing.version,
        JSON.stringify(fast),
        JSON.stringify(deliveries),
        JOBS.deliver_webhook.maxAttempts,
        newTypes.map(() => uuidv7()),
        newTypes,
        userKeys.map(() => uuidv7()),
        userKeys,
        EMPTY_USER_CONFIG,
      ],
    });
    const row = rows[0];
    if (row?.current !== 1) {
      // The routing changed since it was cached: nothing was written; read it again.
      routingCache.delete(accountId);
      continue;
    }
    for (const t of newTypes) routing.catalog.add(t);
    const stored = new Set(row.stored);
    const expected = deliveries.filter((d) => stored.has(d.event_id)).length;
    if (row.jobs !== expected) throw new Error(`queued ${row.jobs} delivery jobs for ${expected} deliveries`);
    return fast.map((e) => (stored.has(e.id) ? e.id : null));
  }
  return null;
}
