import { BUILT_IN_EVENT_TYPES, entityOfEventType } from '@switchyard/core';
import type { CustomEventType, Workflow } from '../db/entities/index.ts';
import { timestampFields } from '../time.ts';
import type { EventTriggerOutput, WorkflowOutput } from './schema.ts';

/** What the mapper may add to a workflow: per-node stats and expanded triggers. */
export interface WorkflowExtras {
  stats?: Record<string, Record<string, number>>;
  /** When set, `event_trigger` and `event_trigger_draft` are expanded through it. */
  expandTrigger?: (event: string) => EventTriggerOutput;
}

function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/**
 * Expands a trigger name into its event type object: a built-in type, the account's own (its id), a wildcard
 * (`deal.*`, `*`), which is described rather than looked up, or a name not in the catalog yet (no description).
 */
export function triggerExpander(own: readonly CustomEventType[]): (event: string) => EventTriggerOutput {
  const builtIn = new Map(BUILT_IN_EVENT_TYPES.map((t) => [t.type, t]));
  const custom = new Map(own.map((t) => [t.type, t]));
  return (event) => {
    const b = builtIn.get(event);
    const c = custom.get(event);
    const entity = event === '*' ? '*' : entityOfEventType(event);
    const description =
      b?.description ??
      c?.description ??
      (event === '*' ? 'Any event' : event.endsWith('.*') ? `Any ${entity} event` : null);
    return {
      object: 'event_trigger',
      id: c?.id ?? event,
      event,
      entity,
      description,
      // A wildcard counts as built in (it is Switchyard's own notation); a free name nobody registered does not.
      built_in: b !== undefined || event === '*' || (c === undefined && event.endsWith('.*')),
    };
  };
}

/**
 * The API shape of a workflow, field by field. `template`, `event_trigger`, `stop_event` and `trigger_conditions`
 * are the published copies, or the drafts while the workflow was never published (seed 004 shows a new workflow's
 * template that way); the `_draft` fields are always the drafts. A rule also shows seed 000's flat fields.
 */
export function toWorkflowOutput(w: Workflow, zone: string, extras: WorkflowExtras = {}): WorkflowOutput {
  const published = w.template !== null && w.template !== undefined;
  const trigger = published ? (w.eventTrigger ?? null) : (w.eventTriggerDraft ?? null);
  const triggerDraft = w.eventTriggerDraft ?? null;
  const expand = (t: string | null) => (t !== null && extras.expandTrigger ? extras.expandTrigger(t) : t);
  return {
    object: 'workflow',
    id: w.id,
    key: w.key,
    user_key: w.userKey,
    name: w.name,
    enabled: w.enabled,
    disabled_reason: w.disabledReason ?? null,
    auto_start: w.autoStart,
    template_status: w.templateStatus,
    template: record(published ? w.template : w.templateDraft),
    template_draft: record(w.templateDraft),
    event_trigger: expand(trigger),
    event_trigger_draft: expand(triggerDraft),
    stop_event: (published ? w.stopEvent : w.stopEventDraft) ?? null,
    stop_event_draft: w.stopEventDraft ?? null,
    trigger_conditions: record(published ? w.triggerConditions : w.triggerConditionsDraft),
    trigger_conditions_draft: record(w.triggerConditionsDraft),
    max_triggers_per_day: w.maxTriggersPerDay ?? null,
    // Summed at load; a workflow created in this request has not loaded them (and has none).
    executions_count: w.executionsCount ?? 0,
    actions_count: w.actionsCount,
    stats: extras.stats ?? {},
    ...(w.rule ? { ...w.rule } : {}),
    ...timestampFields('created', w.createdAt, zone),
    ...timestampFields('updated', w.updatedAt, zone),
    ...timestampFields('last_published', w.lastPublishedAt, zone),
    ...timestampFields('last_triggered', w.lastTriggeredAt ?? null, zone),
  } as WorkflowOutput;
}
