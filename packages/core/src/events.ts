import type { Problem } from './errors.ts';

/** One event type of the catalog. */
export interface EventTypeInfo {
  type: string;
  /** The entity the event is about (the part before the first dot). */
  entity: string;
  description: string;
}

function t(type: string, description: string): EventTypeInfo {
  return { type, entity: type.slice(0, type.indexOf('.')), description };
}

/** The 28 built-in event types (DESIGN.md "Event catalog"); accounts may register more, and send any name. */
export const BUILT_IN_EVENT_TYPES: readonly EventTypeInfo[] = Object.freeze([
  t('contact.created', 'A contact was created'),
  t('contact.updated', 'A contact was updated'),
  t('contact.deleted', 'A contact was deleted'),
  t('contact.owner_changed', "A contact's owner changed"),
  t('deal.created', 'A deal was created'),
  t('deal.updated', 'A deal was updated'),
  t('deal.deleted', 'A deal was deleted'),
  t('deal.stage_changed', "A deal's stage changed"),
  t('deal.won', 'A deal was won'),
  t('deal.lost', 'A deal was lost'),
  t('task.created', 'A task was created'),
  t('task.updated', 'A task was updated'),
  t('task.completed', 'A task was completed'),
  t('task.deleted', 'A task was deleted'),
  t('email.sent', 'An e-mail was sent'),
  t('email.opened', 'An e-mail was opened'),
  t('email.clicked', 'A link in an e-mail was clicked'),
  t('email.replied', 'An e-mail was replied to'),
  t('email.bounced', 'An e-mail bounced'),
  t('meeting.scheduled', 'A meeting was scheduled'),
  t('meeting.updated', 'A meeting was updated'),
  t('meeting.canceled', 'A meeting was canceled'),
  t('meeting.completed', 'A meeting took place'),
  t('form.submitted', 'A form was submitted'),
  t('workflow.triggered', 'A workflow was triggered by an event'),
  t('workflow.disabled', 'A workflow was disabled (e.g. by its daily trigger limit)'),
  t('workflow.execution_failed', 'A workflow execution failed'),
  t('webhook.disabled', 'A webhook was disabled after failing for too long'),
]);

/** The built-in type names, for membership checks. */
export const BUILT_IN_EVENT_TYPE_NAMES: ReadonlySet<string> = new Set(
  BUILT_IN_EVENT_TYPES.map((e) => e.type),
);

/** True when `type` is one of the 28 built-in types. */
export function isBuiltInEventType(type: string): boolean {
  return BUILT_IN_EVENT_TYPE_NAMES.has(type);
}

/** The entity of an event type (`deal` for `deal.won`). */
export function entityOfEventType(type: string): string {
  const dot = type.indexOf('.');
  return dot < 0 ? type : type.slice(0, dot);
}

/** Longest event name. */
export const MAX_EVENT_TYPE_LENGTH = 100;
// Entities whose events only Switchyard itself emits: a host's `workflow.foo` would be mistaken for ours.
const RESERVED_ENTITIES = new Set(['workflow', 'webhook']);
// Letters, digits and `_ . - :`, starting with a letter or digit: seed 004's `new_user`, seed 002's `email-sent`,
// `invoice.paid`, `crm:deal.won`. No `*` (it is the wildcard), no spaces, nothing a URL or a header would mangle.
const EVENT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;

/** The rule an event name follows, for messages and API descriptions. */
export const EVENT_NAME_RULE = `1-${MAX_EVENT_TYPE_LENGTH} letters, digits, "_", ".", "-" or ":", starting with a letter or digit`;

/**
 * Checks the shape of an event name a host sends, triggers, subscribes to or uses as a trigger or stop event: 1–100
 * letters, digits, `_ . - :`, starting with a letter or digit. Any such name is an event; whether it is in the
 * account's catalog is a separate question (see {@link validateEventPatterns}).
 */
export function validateEventName(name: unknown, path = 'type'): Problem[] {
  if (typeof name !== 'string' || name.length === 0) return [{ path, message: 'an event name is required' }];
  if (name.length > MAX_EVENT_TYPE_LENGTH || !EVENT_NAME.test(name)) {
    return [{ path, message: `"${name}" is not a valid event name: use ${EVENT_NAME_RULE}` }];
  }
  return [];
}

/** True when events of this type are emitted by Switchyard only (`workflow.*`, `webhook.*`). */
export function isSystemEventType(type: string): boolean {
  const dot = type.indexOf('.');
  return dot > 0 && RESERVED_ENTITIES.has(type.slice(0, dot));
}

/**
 * Checks the name of an event type an account registers in its catalog: a valid event name
 * ({@link validateEventName}), not a built-in type and not in a reserved entity (`workflow`, `webhook`).
 */
export function validateEventTypeName(name: string, path = 'type'): Problem[] {
  const shape = validateEventName(name, path);
  if (shape.length > 0) return shape;
  if (isBuiltInEventType(name)) return [{ path, message: `"${name}" is a built-in event type` }];
  if (isSystemEventType(name)) {
    return [{ path, message: `"${entityOfEventType(name)}.*" events are reserved for Switchyard itself` }];
  }
  return [];
}

/**
 * Checks a workflow trigger: `*`, `<name>.*` (every event whose name starts with `<name>.`) or one event name. Only
 * the shape is checked: a workflow may wait for an event no one has sent yet (seed 004's `new_user`).
 */
export function validateTriggerPattern(pattern: unknown, path = 'event_trigger'): Problem[] {
  if (pattern === '*') return [];
  if (typeof pattern === 'string' && pattern.endsWith('.*')) {
    return validateEventName(pattern.slice(0, -2), path).length === 0
      ? []
      : [{ path, message: `"${pattern}" is not a valid pattern: use *, <name>.* or an event name` }];
  }
  return validateEventName(pattern, path);
}

/** True when an event `type` matches a subscription `pattern`: `*` (everything), `deal.*` (an entity) or an exact type. */
export function matchesEventPattern(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

/** True when any of `patterns` matches `type`. */
export function matchesAnyEventPattern(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => matchesEventPattern(p, type));
}

/**
 * Checks subscription patterns against the known types (built-in plus the account's own): at least one pattern;
 * each is `*`, `entity.*` for an entity that has a known type, or a known type.
 */
export function validateEventPatterns(
  patterns: readonly string[],
  knownTypes: Iterable<string>,
  path = 'events',
): Problem[] {
  if (!Array.isArray(patterns) || patterns.length === 0)
    return [{ path, message: 'at least one event type is required' }];
  const known = new Set(knownTypes);
  const entities = new Set([...known].map(entityOfEventType));
  const problems: Problem[] = [];
  patterns.forEach((pattern, i) => {
    const at = `${path}[${i}]`;
    if (typeof pattern !== 'string' || pattern === '') {
      problems.push({ path: at, message: 'an event type must be a non-empty string' });
    } else if (pattern === '*') {
      // everything
    } else if (pattern.endsWith('.*')) {
      const entity = pattern.slice(0, -2);
      if (!entities.has(entity)) problems.push({ path: at, message: `no event type belongs to "${entity}"` });
    } else if (!known.has(pattern)) {
      problems.push({ path: at, message: `"${pattern}" is not a recognized event type` });
    }
  });
  return problems;
}
