import type { Event } from '../db/entities/index.ts';
import { timestampFields } from '../time.ts';
import type { EventOutput } from './schema.ts';

/** The API shape of an event, field by field. */
export function toEventOutput(e: Event, zone: string): EventOutput {
  return {
    object: 'event',
    id: e.id,
    external_id: e.externalId ?? null,
    type: e.type,
    entity: e.entity ?? null,
    entity_id: e.entityId ?? null,
    data: e.data,
    previous: e.previous ?? null,
    user_key: e.userKey,
    caused_by: e.causedBy,
    ...timestampFields('occurred', e.occurredAt, zone),
    ...timestampFields('created', e.createdAt, zone),
  } as EventOutput;
}
