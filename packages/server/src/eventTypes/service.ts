import { BUILT_IN_EVENT_TYPES, entityOfEventType, validateEventTypeName } from '@switchyard/core';
import { uuidv7 } from 'uuidv7';
import { CustomEventType } from '../db/entities/index.ts';
import type { EntityManager } from '../db/orm.ts';
import { AppError } from '../errors.ts';
import { timestampFields } from '../time.ts';
import type { CreateEventTypeInput, EventTypeOutput } from './schema.ts';

/** The account's own event types, by name. */
export async function listCustomEventTypes(em: EntityManager, accountId: string): Promise<CustomEventType[]> {
  return em.find(CustomEventType, { accountId }, { orderBy: { type: 'asc' } });
}

/** Every type name an account may use: the built-in catalog plus its own. */
export async function knownEventTypeNames(em: EntityManager, accountId: string): Promise<string[]> {
  const own = await em.execute<{ type: string }[]>('select type from event_types where account_id = ?', [
    accountId,
  ]);
  return [...BUILT_IN_EVENT_TYPES.map((t) => t.type), ...own.map((r) => r.type)];
}

/** Registers an account's own event type; a name already registered is 409 `duplicate_name`. */
export async function createEventType(
  em: EntityManager,
  accountId: string,
  input: CreateEventTypeInput,
): Promise<CustomEventType> {
  const problems = validateEventTypeName(input.type);
  if (problems.length > 0)
    throw new AppError('validation_error', problems[0]?.message ?? 'Invalid type', problems);
  const [row] = await em.execute<{ id: string }[]>(
    `insert into event_types (id, account_id, type, description, created_at) values (?, ?, ?, ?, now())
     on conflict (account_id, type) do nothing returning id`,
    [uuidv7(), accountId, input.type, input.description ?? null],
  );
  if (!row) throw new AppError('duplicate_name', `Event type ${input.type} already exists`);
  return em.findOneOrFail(CustomEventType, { id: row.id });
}

/** The API shape of the catalog for an account. */
export function toEventTypeOutputs(own: CustomEventType[], zone: string): EventTypeOutput[] {
  const builtIn = BUILT_IN_EVENT_TYPES.map(
    (t) =>
      ({
        object: 'event_type',
        type: t.type,
        entity: t.entity,
        description: t.description,
        built_in: true,
        ...timestampFields('created', null, zone),
      }) as EventTypeOutput,
  );
  return [...builtIn, ...own.map((t) => toEventTypeOutput(t, zone))];
}

/** The API shape of one custom event type. */
export function toEventTypeOutput(t: CustomEventType, zone: string): EventTypeOutput {
  return {
    object: 'event_type',
    type: t.type,
    entity: entityOfEventType(t.type),
    description: t.description ?? null,
    built_in: false,
    ...timestampFields('created', t.createdAt, zone),
  } as EventTypeOutput;
}
