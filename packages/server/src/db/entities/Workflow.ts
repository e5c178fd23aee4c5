import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { accountOwned, timestamps } from './columns.ts';

/** Whether the editable draft has been published since it last changed. */
export type TemplateStatus = 'draft' | 'published';

/** Seed 000's flat rule fields, kept as sent when a workflow is created in that form. */
export interface WorkflowRule {
  condition_entity: string;
  condition_field: string;
  condition_operator: string;
  condition_value: unknown;
  action_type: string;
  action_config: Record<string, unknown>;
}

/**
 * A workflow: a trigger plus a DAG template (seed 004), with a draft and a published copy of each. `triggerKeys` are
 * the published trigger's lookup keys (GIN-indexed): the event type, or `<entity>.*` for an entity rule.
 */
export const Workflow = defineEntity({
  name: 'Workflow',
  tableName: 'workflows',
  properties: {
    ...accountOwned(),
    key: p.text(),
    userKey: p.text().default('main'),
    name: p.text(),
    enabled: p.boolean().default(true),
    disabledReason: p.text().nullable(),
    autoStart: p.boolean().default(true),
    templateStatus: p.text().$type<TemplateStatus>().default('draft'),
    template: p.json<Record<string, unknown>>().nullable(),
    templateDraft: p.json<Record<string, unknown>>(),
    eventTrigger: p.text().nullable(),
    eventTriggerDraft: p.text().nullable(),
    stopEvent: p.text().nullable(),
    stopEventDraft: p.text().nullable(),
    triggerConditions: p.json<unknown>().nullable(),
    triggerConditionsDraft: p.json<unknown>().nullable(),
    rule: p.json<WorkflowRule>().nullable(),
    triggerKeys: p.array().default([]),
    maxTriggersPerDay: p.integer().nullable(),
    // Summed over the workflow's slots in `workflow_counts` (executions/sql.ts COUNT_EXECUTION writes them).
    lastTriggeredAt: p
      .datetime()
      .formula(
        (cols) => `(select max(c.last_triggered_at) from workflow_counts c where c.workflow_id = ${cols.id})`,
      )
      .nullable(),
    executionsCount: p
      .integer()
      .formula(
        (cols) =>
          `(select coalesce(sum(c.executions), 0)::int from workflow_counts c where c.workflow_id = ${cols.id})`,
      ),
    actionsCount: p.integer().default(0),
    lastPublishedAt: p.datetime().nullable(),
    ...timestamps(),
    deletedAt: p.datetime().nullable(),
  },
});
export type Workflow = InferEntity<typeof Workflow>;
