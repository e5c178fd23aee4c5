import {
  BUILT_IN_EVENT_TYPES,
  type CompatEventType,
  entityOfEventType,
  isBuiltInEventType,
  validateEventTypeName,
} from '@switchyard/core';
import { uuidv7 } from 'uuidv7';
import { CustomEventType } from '../db/entities/index.ts';
import type { EntityManager } from '../db/orm.ts';
import { run, runOne } from '../db/statement.ts';
import { AppError } from '../errors.ts';
import { timestampFields } from '../time.ts';
import type { CreateEventTypeInput, EventTypeOutput } from './schema.ts';
import { ENSURE_TYPES, OWN_TYPE_NAMES, RECORD_SENT_TYPES, REGISTER_TYPE } from './sql.ts';

/** The account's own event types (registered and sent), by name. */
export async function listCustomEventTypes(em: EntityManager, accountId: string): Promise<CustomEventType[]> {
  return em.find(CustomEventType, { accountId }, { orderBy: { type: 'asc' } });
}

/** Every type name in an account's catalog: the built-in ones, the ones it registered and the ones it sent. */
export async function knownEventTypeNames(em: EntityManager, accountId: string): Promise<string[]> {
  const own = await run(em, OWN_TYPE_NAMES, [accountId]);
  return [...BUILT_IN_EVENT_TYPES.map((t) => t.type), ...own.map((r) => r.type)];
}

/**
 * Registers an account's own event type. A name the account only sent so far becomes registered (with the
 * description given); a name registered already is 409 `duplicate_name`.
 */
export async function createEventType(
  em: EntityManager,
  accountId: string,
  input: CreateEventTypeInput,
): Promise<CustomEventType> {
  const problems = validateEventTypeName(input.type);
  if (problems.length > 0)
    throw new AppError('validation_error', problems[0]?.message ?? 'Invalid type', problems);
  const row = await runOne(em, REGISTER_TYPE, [uuidv7(), accountId, input.type, input.description ?? null]);
  if (!row) throw new AppError('duplicate_name', `Event type ${input.type} already exists`);
  return em.findOneOrFail(CustomEventType, { id: row.id }, { refresh: true });
}

/** The names of `types` worth writing to the catalog: distinct, not built in, sorted (inserts lock in one order). */
export function catalogCandidates(types: Iterable<string>): string[] {
  return [...new Set(types)].filter((t) => !isBuiltInEventType(t)).sort();
}

/**
 * Adds the names an account sent to its catalog (as sent, not registered), in the caller's transaction. Names in
 * the catalog already are left as they are.
 */
export async function recordSentEventTypes(
  em: EntityManager,
  accountId: string,
  types: Iterable<string>,
): Promise<void> {
  const names = catalogCandidates(types);
  if (names.length === 0) return;
  await run(em, RECORD_SENT_TYPES, [accountId, names.map(() => uuidv7()), names]);
}

/**
 * Registers the event types a compatibility route subscribes to (Saleshandy's names, LeadSquared's mapped codes)
 * so they are in the account's catalog like any registered type; a description the account gave is kept.
 */
export async function ensureEventTypes(
  em: EntityManager,
  accountId: string,
  types: readonly CompatEventType[],
): Promise<void> {
  const own = types.filter((t) => !isBuiltInEventType(t.type)).sort((a, b) => a.type.localeCompare(b.type));
  if (own.length === 0) return;
  await run(em, ENSURE_TYPES, [
    accountId,
    own.map(() => uuidv7()),
    own.map((t) => t.type),
    own.map((t) => t.description),
  ]);
}

/** The API shape of the catalog for an account: the built-in types, then its own by name. */
export function toEventTypeOutputs(own: CustomEventType[], zone: string): EventTypeOutput[] {
  const builtIn = BUILT_IN_EVENT_TYPES.map(
    (t) =>
      ({
        object: 'event_type',
        type: t.type,
        entity: t.entity,
        description: t.description,
        built_in: true,
        origin: 'built_in',
        ...timestampFields('created', null, zone),
      }) as EventTypeOutput,
  );
  return [...builtIn, ...own.map((t) => toEventTypeOutput(t, zone))];
}

/** The catalog response of an account (`GET /v1/event-types`, and the portal's trigger picker). */
export async function eventCatalog(em: EntityManager, account: { id: string; timeZone: string }) {
  return { data: toEventTypeOutputs(await listCustomEventTypes(em, account.id), account.timeZone) };
}

/** The API shape of one of the account's own event types. */
export function toEventTypeOutput(t: CustomEventType, zone: string): EventTypeOutput {
  return {
    object: 'event_type',
    type: t.type,
    entity: entityOfEventType(t.type),
    description: t.description ?? null,
    built_in: false,
    origin: t.registered ? 'registered' : 'sent',
    ...timestampFields('created', t.createdAt, zone),
  } as EventTypeOutput;
}
