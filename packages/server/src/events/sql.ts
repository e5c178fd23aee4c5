// Every statement of event ingestion, in one place (see db/statement.ts). `INGEST` is the one statement that
// writes events: both ingestion paths of events/service.ts use it, so there is one event insert, one entity-snapshot
// upsert and one delivery insert (with its graphile-worker jobs).
import { statement } from '../db/statement.ts';

/** The id an account's event with this external id was stored under. */
export const FIND_EVENT_ID = statement<[accountId: string, externalId: string], { id: string }>(
  'switchyard_events_find_id',
  'select id from events where account_id = $1 and external_id = $2',
);

/**
 * The last snapshots of entities (pairs of `$2`, `$3`), each locked until the transaction ends and in the order
 * given (callers sort by entity and id, so two transactions never wait on each other in a cycle), so the events that
 * replace them know `previous` before they are stored (their webhook filters and workflow conditions read it).
 * An entity with no snapshot yet has no row.
 */
export const READ_SNAPSHOTS = statement<
  [accountId: string, entities: string[], entityIds: string[]],
  { entity: string; entity_id: string; data: Record<string, unknown> }
>(
  'switchyard_events_read_snapshots',
  `select s.entity, s.entity_id, s.data
     from unnest($2::text[], $3::text[]) with ordinality as k(entity, entity_id, n)
     cross join lateral (
       select * from entity_snapshots s
        where s.account_id = $1 and s.entity = k.entity and s.entity_id = k.entity_id
          for update
     ) s
    order by k.n`,
);

/** The hooks of a routing row: every active webhook of the account. */
export interface RoutingHook {
  id: string;
  /** The end user who owns it, or null for the account's own endpoint. */
  user_key: string | null;
  events: string[];
  filters: unknown;
}

/**
 * Where an account's events go, as one statement reads it: the active webhooks, the keys of the workflows an event
 * could start (`user_key` + US + trigger key) and the account's own catalog names. `version` is
 * `accounts.routing_version` at that moment; triggers bump it whenever any of this changes.
 */
export const LOAD_ROUTING = statement<
  [accountId: string],
  { version: string; hooks: RoutingHook[]; workflow_keys: string[]; catalog: string[] }
>(
  'switchyard_events_load_routing',
  `select a.routing_version::text as version,
          (select coalesce(json_agg(json_build_object('id', w.id, 'user_key', w.user_key, 'events', w.events,
                                                  'filters', w.filters)), '[]')
             from webhooks w where w.account_id = a.id and w.status = 'active') as hooks,
          (select coalesce(array_agg(distinct wf.user_key || chr(31) || k), '{}')
             from workflows wf, unnest(wf.trigger_keys) k
            where wf.account_id = a.id and wf.enabled and wf.deleted_at is null and wf.template is not null)
            as workflow_keys,
          (select coalesce(array_agg(t.type), '{}') from event_types t where t.account_id = a.id) as catalog
     from accounts a where a.id = $1`,
);

/** One event row for {@link INGEST} (JSON), its id chosen by the caller. */
export interface IngestEventRow {
  /** The request it came in (the index of its rate-limit entry). */
  req: number;
  id: string;
  external_id: string | null;
  type: string;
  entity: string | null;
  entity_id: string | null;
  data: Record<string, unknown>;
  /** False: `previous` is the entity's snapshot before this event. */
  has_previous: boolean;
  previous: Record<string, unknown> | null;
  user_key: string;
  occurred_at: string;
  caused_by: string[];
}

/** One delivery row for {@link INGEST} (JSON): a `pending` one gets its `deliver_webhook` job under `job_key`. */
export interface IngestDeliveryRow {
  id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  status: 'pending' | 'skipped';
  /** Why a `skipped` delivery sends nothing. */
  last_error: string | null;
  job_key: string;
}

/**
 * Stores the events of one or more requests ($3, each event naming its request `req`), atomic on its own: unless
 * the account's routing version ($2) is still the one the deliveries were decided with, it writes nothing.
 * Otherwise it counts each request against its API key's rate limit ($11 keys, $12 the request's place among those
 * of its key in this statement; rate-limiter-flexible's fixed window: one ending at $13 opens when the last ended
 * before now, $14), claims the Idempotency-Keys ($16–$24, each with its request's answer sealed) of the requests
 * still within the limit ($15), and stores the events of those that sent no key or claimed theirs: for each whose
 * external id is new, it reads and replaces the entity's snapshot (unless the stored one is newer: events out of
 * order), inserts the event with `previous` (the host's, else the snapshot before it), and writes the deliveries
 * ($4) of the events it stored, each pending one with its job (graphile-worker's add_jobs, $5 attempts). Names new
 * to the catalog ($6, $7) are added as sent and users ($8, $9) created unless they exist (auto-discovery, config
 * $10), for the events stored; with $25, it answers the `previous` each stored event got. Every part sees the database as it was before the statement, so `old` is the snapshot before these
 * events; a set therefore names each entity and external id at most once.
 */
export const INGEST = statement<
  [
    accountId: string,
    routingVersion: string,
    events: string,
    deliveries: string,
    maxAttempts: number,
    typeIds: string[],
    types: string[],
    userIds: string[],
    userKeys: string[],
    emptyUserConfig: string,
    rateKeys: (string | null)[],
    ratePlaces: number[],
    rateExpireIfNew: number,
    rateNow: number,
    rateLimit: number,
    claimReqs: number[],
    claimIds: string[],
    claimKeys: string[],
    claimOperations: string[],
    claimHashes: string[],
    claimCreatedAt: Date[],
    claimExpiresAt: (Date | null)[],
    claimTokens: string[],
    claimResponses: string[],
    returnPrevious: boolean,
  ],
  {
    current: number;
    stored: string[];
    jobs: number;
    rates: { key: string; points: number; expire: number | null }[];
    claimed: string[];
    /** With `returnPrevious`: each stored event's `previous`, by id. */
    previous: Record<string, Record<string, unknown> | null> | null;
  }
>(
  'switchyard_events_ingest',
  `with acct as (
     select 1 from accounts where id = $1::uuid and routing_version = $2::bigint
   ), calls as (
     select (r.n - 1)::int as req, r.key, r.place from unnest($11::text[], $12::int[]) with ordinality as r(key, place, n)
   ), rate as (
     insert into rate_limits (key, points, expire)
     select c.key, count(*)::int, $13::bigint from calls c
      where c.key is not null and exists (select 1 from acct)
      group by c.key
     on conflict (key) do update set
       points = case when rate_limits.expire <= $14::bigint then excluded.points
                     else rate_limits.points + excluded.points end,
       expire = case when rate_limits.expire <= $14::bigint then excluded.expire else rate_limits.expire end
     returning key, points, expire
   ), counted as (
     select c.key, count(*)::int as n from calls c where c.key is not null group by c.key
   ), allowed as (
     -- A request is within the limit when the count before this statement plus its place among its key's requests
     -- here is: the same requests pass as if each had counted alone, in that order.
     select c.req from calls c
       left join rate r on r.key = c.key
       left join counted k on k.key = c.key
      where exists (select 1 from acct) and (c.key is null or r.points - k.n + c.place <= $15::int)
   ), claims as (
     select * from unnest($16::int[], $17::uuid[], $18::text[], $19::text[], $20::text[], $21::timestamptz[],
                          $22::timestamptz[], $23::uuid[], $24::text[])
              as c(req, id, key, operation, request_hash, created_at, expires_at, claimed_by, response_sealed)
   ), claimed as (
     -- An Idempotency-Key claimed with its answer already recorded (the answer was known before the statement).
     insert into idempotency_records (id, account_id, key, operation, request_hash, response, response_sealed,
       created_at, expires_at, claimed_by, locked_until)
     select c.id, $1::uuid, c.key, c.operation, c.request_hash, null, c.response_sealed, c.created_at, c.expires_at,
            c.claimed_by, null
       from claims c where c.req in (select req from allowed)
     on conflict (account_id, key, operation) do nothing
     returning id
   ), storing as (
     -- The requests whose events are stored: within the limit, and holding their key when they sent one.
     select a.req from allowed a
      where not exists (select 1 from claims c where c.req = a.req)
         or exists (select 1 from claims c join claimed d on d.id = c.id where c.req = a.req)
   ), input as (
     select * from json_to_recordset($3::json) as t(req int, id uuid, external_id text, type text, entity text,
       entity_id text, data jsonb, has_previous boolean, previous jsonb, user_key text, occurred_at timestamptz,
       caused_by jsonb)
      where t.req in (select req from storing)
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
     insert into events (id, account_id, external_id, type, entity, entity_id, data, previous, user_key,
       occurred_at, caused_by, created_at)
     select f.id, $1::uuid, f.external_id, f.type, f.entity, f.entity_id, f.data,
            case when f.has_previous then f.previous else o.data end, f.user_key, f.occurred_at, f.caused_by, now()
       from fresh f left join old o on o.entity = f.entity and o.entity_id = f.entity_id
     on conflict (account_id, external_id) do nothing
     returning id, type, user_key, previous
   ), planned as (
     select * from json_to_recordset($4::json) as t(id uuid, webhook_id uuid, event_id uuid, event_type text,
       status text, last_error text, job_key text)
      where t.event_id in (select id from ev)
   ), d as (
     insert into deliveries (id, account_id, webhook_id, event_id, event_type, status, attempts, last_error,
       next_attempt_at, completed_at, created_at, updated_at)
     select p.id, $1::uuid, p.webhook_id, p.event_id, p.event_type, p.status, 0, p.last_error,
            case when p.status = 'pending' then now() end, case when p.status = 'skipped' then now() end,
            now(), now()
       from planned p
     returning id
   ), jobs as (
     select count(*)::int as n from graphile_worker.add_jobs(array(
       select row('deliver_webhook', json_build_object('delivery_id', p.id), null, null, $5::int, p.job_key,
                  null, null)::graphile_worker.job_spec
         from planned p join d on d.id = p.id
        where p.status = 'pending'))
      -- Not called without a job: add_jobs of nothing still costs its statements and a NOTIFY that wakes every
      -- worker (its payload null), and a NOTIFY at commit takes the one lock all notifying commits queue on.
      where exists (select 1 from planned p where p.status = 'pending')
   ), sent_types as (
     insert into event_types (id, account_id, type, description, registered, created_at)
     select t.id, $1::uuid, t.type, null, false, now() from unnest($6::uuid[], $7::text[]) as t(id, type)
      where t.type in (select type from ev)
     on conflict (account_id, type) do nothing
   ), discovered as (
     insert into users (id, account_id, key, groups, config, created_at, updated_at)
     select u.id, $1::uuid, u.key, '[]', $10::jsonb, now(), now()
       from unnest($8::uuid[], $9::text[]) with ordinality as u(id, key, n)
      where u.key in (select user_key from ev)
      order by u.n
     on conflict (account_id, key) do nothing
   )
   select (select count(*) from acct)::int as current,
          coalesce((select array_agg(id::text) from ev), '{}') as stored,
          (select n from jobs) as jobs,
          coalesce((select json_agg(json_build_object('key', key, 'points', points, 'expire', expire)) from rate),
                   '[]') as rates,
          coalesce((select array_agg(id::text) from claimed), '{}') as claimed,
          case when $25::boolean then coalesce((select json_object_agg(id, previous) from ev), '{}') end as previous`,
);
