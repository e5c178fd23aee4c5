import { matchesAnyEventPattern } from '@switchyard/core';
import type { EntityManager } from '../db/orm.ts';
import { type Queryable, runOne } from '../db/statement.ts';
import { ownerReceives } from '../deliveries/fanOut.ts';
import { lookupKeysOf } from '../workflows/triggers.ts';
import { LOAD_ROUTING, type RoutingHook } from './sql.ts';

/**
 * Where an account's events go, as one statement read it (see `LOAD_ROUTING`). Ingestion passes `version` back
 * to the statement that stores events, which writes nothing unless it is still current.
 */
export interface Routing {
  version: string;
  hooks: RoutingHook[];
  /** `user_key` + US + trigger key of every workflow an event could start. */
  workflowKeys: Set<string>;
  /** The account's own catalog names (registered or sent), so a name new to it is written once, not every time. */
  catalog: Set<string>;
}

async function loadRouting(on: Queryable, accountId: string): Promise<Routing | null> {
  const row = await runOne(on, LOAD_ROUTING, [accountId]);
  if (!row) return null;
  return {
    version: row.version,
    hooks: row.hooks,
    workflowKeys: new Set(row.workflow_keys),
    catalog: new Set(row.catalog),
  };
}

const MAX_ACCOUNTS = 10_000;
// Committed routing only (read outside any transaction), shared by the process's requests.
const committed = new Map<string, Routing>();

/** The account's routing as last committed, read once per process and again whenever it is found stale. */
export async function committedRouting(on: Queryable, accountId: string): Promise<Routing | null> {
  const cached = committed.get(accountId);
  if (cached) return cached;
  const routing = await loadRouting(on, accountId);
  if (!routing) return null;
  if (committed.size >= MAX_ACCOUNTS) committed.clear();
  committed.set(accountId, routing);
  return routing;
}

/**
 * The account's committed routing if this process has it cached (no query). Inside a transaction it is used only
 * to plan a statement that checks its version on the transaction's own view, so a stale one costs a retry.
 */
export function cachedRouting(accountId: string): Routing | undefined {
  return committed.get(accountId);
}

// Routing read inside a transaction can hold that transaction's own uncommitted changes: it is kept for that
// transaction only, never in the shared cache (a rollback would leave a version that may later mean other rows).
const inTransaction = new WeakMap<EntityManager, Map<string, Routing>>();

/** The account's routing as `tem`'s transaction sees it, read once per transaction. */
export async function transactionRouting(tem: EntityManager, accountId: string): Promise<Routing | null> {
  let memo = inTransaction.get(tem);
  if (!memo) {
    memo = new Map();
    inTransaction.set(tem, memo);
  }
  const cached = memo.get(accountId);
  if (cached) return cached;
  const routing = await loadRouting(tem, accountId);
  if (routing) memo.set(accountId, routing);
  return routing;
}

/** Forgets a routing found stale (the store statement wrote nothing), so the next read loads it again. */
export function forgetRouting(accountId: string, tem?: EntityManager): void {
  if (tem) inTransaction.get(tem)?.delete(accountId);
  else committed.delete(accountId);
}

/** Whether an event of this type, entity and user could start one of the account's workflows. */
export function couldStartWorkflow(
  routing: Routing,
  ev: { type: string; entity: string | null; user_key: string },
): boolean {
  return lookupKeysOf(ev).some((key) => routing.workflowKeys.has(`${ev.user_key}\u001f${key}`));
}

/** The webhooks whose owner and event patterns take an event of this type and user (filters not applied). */
export function subscribedHooks(routing: Routing, type: string, userKey: string): RoutingHook[] {
  return routing.hooks.filter(
    (h) => ownerReceives(h.user_key, userKey) && matchesAnyEventPattern(h.events, type),
  );
}
