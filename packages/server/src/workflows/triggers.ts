import {
  type CompiledCondition,
  type Condition,
  compileCondition,
  entityOfEventType,
} from '@switchyard/core';
import { Workflow } from '../db/entities/index.ts';
import type { EntityManager } from '../db/orm.ts';
import { run } from '../db/statement.ts';
import type { StoredEvent } from '../events/consumers.ts';
import { TRIGGER_CANDIDATES } from './sql.ts';

/**
 * The lookup keys of a published trigger, stored in `workflows.trigger_keys` (GIN-indexed): the `event_trigger` as
 * written, which is an exact type (`deal.updated`), an entity wildcard (`deal.*`, what a seed 000 rule on entity
 * `deal` listens on) or `*`. No trigger, no keys: such a workflow runs only when executed or triggered by id/key.
 */
export function triggerKeysOf(published: { eventTrigger: string | null | undefined }): string[] {
  const t = published.eventTrigger;
  return t ? [t] : [];
}

/**
 * The keys an event is looked up by: its type, the wildcard of its type's entity, the wildcard of the entity it
 * carries (when the host named one that differs), and `*`. A workflow matches when its keys overlap these.
 */
export function lookupKeysOf(event: Pick<StoredEvent, 'type' | 'entity'>): string[] {
  const keys = new Set([event.type, `${entityOfEventType(event.type)}.*`, '*']);
  if (event.entity) keys.add(`${event.entity}.*`);
  return [...keys];
}

/** True when trigger conditions are absent: null, or seed 004's empty hash `{}`. */
export function isNoCondition(conditions: unknown): boolean {
  return (
    conditions === null ||
    conditions === undefined ||
    (typeof conditions === 'object' && !Array.isArray(conditions) && Object.keys(conditions).length === 0)
  );
}

// Compiled conditions by their JSON: the same workflow's condition compiles once per process, not per event.
const compiled = new Map<string, CompiledCondition>();
const MAX_COMPILED = 5_000;

function compiledFor(condition: unknown): CompiledCondition {
  const key = JSON.stringify(condition);
  let c = compiled.get(key);
  if (!c) {
    c = compileCondition(condition as Condition);
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(key, c);
  }
  return c;
}

/** Whether a workflow's published trigger conditions hold for an event (evaluated on its data and previous). */
export function triggerConditionsHold(
  conditions: unknown,
  event: Pick<StoredEvent, 'data' | 'previous'>,
): boolean {
  if (isNoCondition(conditions)) return true;
  return compiledFor(conditions).test({ data: event.data, previous: event.previous ?? undefined });
}

// Per transaction (a batch of up to 1,000 events runs in one), the candidates of one account, user and set of
// lookup keys are read once: a batch of `deal.updated` events costs one index lookup, not one per event. Nothing in
// the transaction changes which workflows are candidates (the circuit breaker's own count still refuses a trigger
// once a workflow is disabled mid-batch).
const candidatesByTransaction = new WeakMap<EntityManager, Map<string, Promise<Record<string, unknown>[]>>>();

function candidateRows(em: EntityManager, event: StoredEvent): Promise<Record<string, unknown>[]> {
  const keys = lookupKeysOf(event);
  const cacheKey = JSON.stringify([event.accountId, event.userKey, keys]);
  let cache = candidatesByTransaction.get(em);
  if (!cache) {
    cache = new Map();
    candidatesByTransaction.set(em, cache);
  }
  let rows = cache.get(cacheKey);
  if (!rows) {
    rows = run(em, TRIGGER_CANDIDATES, [keys, event.accountId, event.userKey]);
    cache.set(cacheKey, rows);
  }
  return rows;
}

/**
 * The workflows an event starts: enabled workflows with a published template, of the event's account (and its user) whose
 * trigger keys overlap the event's lookup keys — found through the partial GIN index on `trigger_keys`, so the cost
 * follows the matching workflows, not all of the account's — and whose published `trigger_conditions` hold.
 * Runs on `em`, so inside the event's storing transaction when called from a consumer. The daily limit (circuit
 * breaker) is not applied here.
 */
export async function findTriggeredWorkflows(em: EntityManager, event: StoredEvent): Promise<Workflow[]> {
  const rows = await candidateRows(em, event);
  const matched: Workflow[] = [];
  for (const row of rows) {
    if (!triggerConditionsHold(row.trigger_conditions, event)) continue;
    matched.push(em.map(Workflow, row as never));
  }
  return matched;
}
