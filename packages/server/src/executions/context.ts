import type { StoredEvent } from '../events/consumers.ts';

/** What an execution's merge context is built from. */
export interface ContextSources {
  /** The template's own `data` object, when it has one (lowest precedence). */
  templateData?: Record<string, unknown> | null;
  /** `execution_data` of `POST /v1/trigger` or `/execute`. */
  executionData?: Record<string, unknown> | null;
  /** The triggering event, if any (highest precedence). */
  event?: Pick<
    StoredEvent,
    'id' | 'type' | 'entity' | 'entityId' | 'data' | 'previous' | 'occurredAt'
  > | null;
  user?: { key: string; name: string | null; email: string | null; userData: Record<string, unknown> } | null;
  workflow: { id: string; key: string; name: string };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The merge context an execution's nodes render against, computed once when it starts and stored as its `data`.
 * Seed 004's precedence: template data, then execution data, then the event's data (the event's fields are also
 * top-level, so `{{name}}` is the event's name when all three define one). The event's entity is under its name
 * (`{{deal.name}}`), with `event`, `previous`, `user` (its fields and `user_data`) and `workflow`.
 */
export function buildContext(src: ContextSources): Record<string, unknown> {
  const ctx: Record<string, unknown> = {
    ...(isObject(src.templateData) ? src.templateData : {}),
    ...(isObject(src.executionData) ? src.executionData : {}),
  };
  const ev = src.event;
  if (ev) {
    Object.assign(ctx, ev.data);
    if (ev.entity) ctx[ev.entity] = ev.data;
    ctx.event = {
      id: ev.id,
      type: ev.type,
      entity: ev.entity,
      entity_id: ev.entityId,
      data: ev.data,
      occurred_at: ev.occurredAt.toISOString(),
    };
    ctx.previous = ev.previous ?? null;
  }
  if (src.user) {
    ctx.user = {
      ...src.user.userData,
      key: src.user.key,
      name: src.user.name,
      email: src.user.email,
      user_data: src.user.userData,
    };
  }
  ctx.workflow = { ...src.workflow };
  return ctx;
}
