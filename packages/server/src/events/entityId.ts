import type { NewEvent } from './service.ts';

/** The entity id of an event: the one given, else `data.id` (a string or a number). */
export function entityIdOf(ev: Pick<NewEvent, 'entityId' | 'data'>): string | null {
  if (ev.entityId != null) return ev.entityId;
  const id = ev.data.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : null;
}
