import { JOBS } from '@switchyard/core';
import { uuidv7 } from 'uuidv7';
import { runOne, type Statement } from '../db/statement.ts';
import { pendingDelivery } from '../deliveries/fanOut.ts';
import type { ServerDeps } from '../deps.ts';
import { catalogCandidates } from '../eventTypes/service.ts';
import type { StatementClaim } from '../http/idempotency.ts';
import type { RateCharge } from '../http/rateLimit.ts';
import { EMPTY_USER_CONFIG } from '../users/service.ts';
import {
  committedRouting,
  couldStartWorkflow,
  forgetRouting,
  type Routing,
  subscribedHooks,
} from './routing.ts';
import { INGEST, type IngestDeliveryRow, type IngestEventRow } from './sql.ts';

type IngestParams = typeof INGEST extends Statement<infer P, infer _R> ? P : never;
type IngestResult = typeof INGEST extends Statement<infer _P, infer R> ? R : never;

/** One request's part of an INGEST: its rate-limit key (null: not counted here) and its place among that key's. */
export interface IngestCall {
  key: string | null;
  place: number;
}

/**
 * The INGEST parameters of a set of events, from `calls` requests (an event's `req` is its request's index), with
 * the catalog names and users to add unless none are given.
 */
export function ingestParams(
  accountId: string,
  routing: Routing,
  rows: IngestEventRow[],
  deliveries: IngestDeliveryRow[],
  calls: readonly IngestCall[],
  window: { expireIfNew: number; nowMs: number; limit: number } = { expireIfNew: 0, nowMs: 0, limit: 0 },
  types: string[] = [],
  userKeys: string[] = [],
  claims: readonly { req: number; claim: StatementClaim }[] = [],
  returnPrevious = false,
): IngestParams {
  return [
    accountId,
    routing.version,
    JSON.stringify(rows),
    JSON.stringify(deliveries),
    JOBS.deliver_webhook.maxAttempts,
    types.map(() => uuidv7()),
    types,
    userKeys.map(() => uuidv7()),
    userKeys,
    EMPTY_USER_CONFIG,
    calls.map((c) => c.key),
    calls.map((c) => c.place),
    window.expireIfNew,
    window.nowMs,
    window.limit,
    claims.map((c) => c.req),
    claims.map((c) => c.claim.id),
    claims.map((c) => c.claim.key),
    claims.map((c) => c.claim.operation),
    claims.map((c) => c.claim.requestHash),
    claims.map((c) => c.claim.createdAt),
    claims.map((c) => c.claim.expiresAt),
    claims.map((c) => c.claim.token),
    claims.map((c) => c.claim.sealed),
    returnPrevious,
  ];
}

/** What the one-statement path answers a request whose Idempotency-Key another call holds: nothing was stored. */
export const CLAIM_TAKEN = Symbol('claim taken');

/** Each event's id (null: its external id was seen before), null for the general path, or {@link CLAIM_TAKEN}. */
export type OneStatementResult = (string | null)[] | null | typeof CLAIM_TAKEN;

/** Throws unless the statement queued one job per pending delivery of the events it stored. */
export function checkJobs(jobs: number, deliveries: IngestDeliveryRow[], stored: ReadonlySet<string>): void {
  const expected = deliveries.filter((d) => d.status === 'pending' && stored.has(d.event_id)).length;
  if (jobs !== expected) throw new Error(`queued ${jobs} delivery jobs for ${expected} deliveries`);
}

/** The keys by which two events may not share one statement (it would see both as new). */
export function repeatKeys(row: IngestEventRow): string[] {
  const keys: string[] = [];
  if (row.entity_id !== null) keys.push(`e\u001f${row.entity}\u001f${row.entity_id}`);
  if (row.external_id !== null) keys.push(`x\u001f${row.external_id}`);
  return keys;
}

/** The order in which every statement locks entity snapshots: by entity, then id. */
export const snapshotOrder = (r: Pick<IngestEventRow, 'entity' | 'entity_id'>) =>
  `${r.entity ?? ''}\u001f${r.entity_id ?? ''}`;

function hasRepeats(rows: readonly IngestEventRow[]): boolean {
  const seen = new Set<string>();
  for (const row of rows) {
    for (const k of repeatKeys(row)) {
      if (seen.has(k)) return true;
      seen.add(k);
    }
  }
  return false;
}

/**
 * The deliveries of `rows` when the one-statement path can store them, or null when they need the general path:
 * an event could start a workflow, or a webhook it is subscribed to has filters (they may read `previous`, which
 * the statement itself works out), or the request names an entity or external id twice.
 */
function oneStatementDeliveries(
  routing: Routing,
  rows: readonly IngestEventRow[],
): IngestDeliveryRow[] | null {
  if (hasRepeats(rows)) return null;
  const deliveries: IngestDeliveryRow[] = [];
  for (const row of rows) {
    if (couldStartWorkflow(routing, row)) return null;
    for (const h of subscribedHooks(routing, row.type, row.user_key)) {
      if (h.filters != null) return null;
      deliveries.push(pendingDelivery(h.id, row));
    }
  }
  return deliveries;
}

/** A request waiting for (or in) a statement. */
interface Pending {
  routing: Routing;
  rows: IngestEventRow[];
  deliveries: IngestDeliveryRow[];
  rate: RateCharge | undefined;
  claim: StatementClaim | undefined;
  resolve(ids: OneStatementResult): void;
  reject(err: unknown): void;
}

/** An account's requests on the one-statement path: the statements in flight, and those waiting for one. */
interface Lane {
  running: number;
  waiting: Pending[];
}

// Group commit: while an account's statements are in flight, its next requests wait and then go together in one
// statement (one round trip, one transaction, one WAL flush for all of them). A request finding a free slot goes at
// once, so a lone request waits for nothing.
const MAX_IN_FLIGHT = 2;
const MAX_EVENTS_PER_STATEMENT = 1_000;
// By pool (one per server process; tests run several in one), then account.
const lanesOf = new WeakMap<ServerDeps['pool'], Map<string, Lane>>();

/** Takes from `waiting` the requests that can share a statement with its first: same routing, no repeats. */
function takeGroup(lane: Lane): Pending[] {
  const first = lane.waiting[0] as Pending;
  const group: Pending[] = [];
  const seen = new Set<string>();
  let events = 0;
  lane.waiting = lane.waiting.filter((p) => {
    if (
      p.routing !== first.routing ||
      events + p.rows.length > Math.max(MAX_EVENTS_PER_STATEMENT, first.rows.length)
    )
      return true;
    const keys = p.rows.flatMap(repeatKeys);
    if (keys.some((k) => seen.has(k))) return true;
    for (const k of keys) seen.add(k);
    events += p.rows.length;
    group.push(p);
    return false;
  });
  return group;
}

function pump(deps: ServerDeps, accountId: string, lane: Lane, lanes: Map<string, Lane>): void {
  while (lane.running < MAX_IN_FLIGHT && lane.waiting.length > 0) {
    const group = takeGroup(lane);
    lane.running++;
    void runGroup(deps, accountId, group).finally(() => {
      lane.running--;
      if (lane.running === 0 && lane.waiting.length === 0) lanes.delete(accountId);
      else pump(deps, accountId, lane, lanes);
    });
  }
}

/** Runs one statement for `group`, and settles each request: its ids, null for the general path, or its error. */
async function runGroup(deps: ServerDeps, accountId: string, group: Pending[]): Promise<void> {
  const first = group[0] as Pending;
  const rows: IngestEventRow[] = [];
  const deliveries: IngestDeliveryRow[] = [];
  const calls: IngestCall[] = [];
  const claims: { req: number; claim: StatementClaim }[] = [];
  const perKey = new Map<string, number>();
  let window: Parameters<typeof ingestParams>[5];
  for (const [req, p] of group.entries()) {
    if (p.claim) claims.push({ req, claim: p.claim });
    const count = p.rate?.inStatement();
    const key = count?.key ?? null;
    const place = key === null ? 0 : (perKey.get(key) ?? 0) + 1;
    if (key !== null) perKey.set(key, place);
    if (count) window = count;
    calls.push({ key, place });
    for (const r of p.rows) rows.push({ ...r, req });
    deliveries.push(...p.deliveries);
  }
  // Snapshots are locked in one order (entity, id) by every statement, so two of them never wait on each other.
  rows.sort((a, b) => snapshotOrder(a).localeCompare(snapshotOrder(b)));
  const routing = first.routing;
  const types = catalogCandidates(rows.map((e) => e.type)).filter((t) => !routing.catalog.has(t));
  const userKeys = [...new Set(rows.map((e) => e.user_key))].sort();
  let result: IngestResult;
  try {
    const row = await runOne(
      deps.pool,
      INGEST,
      ingestParams(accountId, routing, rows, deliveries, calls, window, types, userKeys, claims),
    );
    if (!row) throw new Error('the ingestion statement returned no row');
    result = row;
  } catch (err) {
    if (group.length === 1) {
      first.reject(err);
      return;
    }
    // One request's failure is not the others': each goes again alone.
    for (const p of group) await runGroup(deps, accountId, [p]);
    return;
  }
  const { current, stored: ids, jobs, rates } = result;
  const claimed = new Set(result.claimed);
  if (current !== 1) {
    // A webhook or workflow changed since the routing was read: nothing was written or counted; the requests take
    // the general path, which reads the routing in its transaction.
    forgetRouting(accountId);
    for (const p of group) p.resolve(null);
    return;
  }
  const stored = new Set(ids);
  try {
    checkJobs(jobs, deliveries, stored);
  } catch (err) {
    for (const p of group) p.reject(err);
    return;
  }
  for (const r of rows) if (stored.has(r.id)) routing.catalog.add(r.type);
  for (const [req, p] of group.entries()) {
    const call = calls[req] as IngestCall;
    const rate = call.key === null ? undefined : rates.find((r) => r.key === call.key);
    try {
      // This request's count: the key's count before the statement plus its place among the key's requests here.
      if (p.rate && rate) {
        p.rate.settle(rate.points - (perKey.get(call.key as string) ?? 0) + call.place, rate.expire);
      }
      if (p.claim && !claimed.has(p.claim.id)) p.resolve(CLAIM_TAKEN);
      else p.resolve(p.rows.map((r) => (stored.has(r.id) ? r.id : null)));
    } catch (err) {
      p.reject(err);
    }
  }
}

/**
 * The fast path: when the routing cached for the account says the events need nothing but storing and plain
 * deliveries, stores them, their snapshots, deliveries and jobs, new catalog names and discovered users in the one
 * ingestion statement, atomic on its own, on the pool (no transaction), with the request's rate-limit count. Null
 * when they need the general path (nothing was written or counted then); otherwise each event's id, or null for one
 * whose external id was seen before. Past the rate limit it throws 429 `rate_limited` (nothing stored). With a
 * `claim`, the request's Idempotency-Key is claimed (its answer recorded) in the statement, and its events stored
 * only if the claim is new: {@link CLAIM_TAKEN} when another call holds the key.
 */
export async function storeInOneStatement(
  deps: ServerDeps,
  accountId: string,
  rows: IngestEventRow[],
  rate: RateCharge | undefined,
  claim?: StatementClaim,
): Promise<OneStatementResult> {
  const routing = await committedRouting(deps.pool, accountId);
  if (!routing) return null;
  const deliveries = oneStatementDeliveries(routing, rows);
  if (deliveries === null) return null;
  let lanes = lanesOf.get(deps.pool);
  if (!lanes) {
    lanes = new Map();
    lanesOf.set(deps.pool, lanes);
  }
  let lane = lanes.get(accountId);
  if (!lane) {
    lane = { running: 0, waiting: [] };
    lanes.set(accountId, lane);
  }
  const { promise, resolve, reject } = Promise.withResolvers<OneStatementResult>();
  lane.waiting.push({ routing, rows, deliveries, rate, claim, resolve, reject });
  pump(deps, accountId, lane, lanes);
  return promise;
}
