import { z } from 'zod';
import { apiObject } from '../apiObject.ts';
import { expandFields } from '../http/expand.ts';
import { listOutput, PageInput } from '../pagination.ts';
import { timestampShape } from '../time.ts';

/** One node of a template as the API accepts it: `id`, `type`, and the attributes of its type (seed 004). */
const NodeInput = z.looseObject({
  id: z.string().describe('Unique node id; edges name it'),
  type: z
    .string()
    .describe('Start, Delay, Webhook, SendEmail, CreateTask, SendChannelMessage, UpdateField or Condition'),
  name: z.string().optional(),
});

/**
 * A workflow template (seed 004): nodes, `"from-to"` edge strings and the editor's layout, kept as given. Its
 * structure (one Start, no cycles, known edge ends) is checked when it is published; node settings when it is saved.
 */
export const TemplateInput = z.looseObject({
  nodes: z.array(NodeInput),
  edges: z.array(z.string().describe('"from-to": two node ids joined by "-"')),
  positions: z.record(z.string(), z.looseObject({ x: z.number(), y: z.number() })).optional(),
  width: z.number().optional(),
  height: z.number().optional(),
});
export type TemplateInput = z.infer<typeof TemplateInput>;

const IdType = z
  .enum(['id', 'key'])
  .default('id')
  .describe('How `id` addresses the workflow: its id or its key');
const UserKey = z.string().min(1).max(255).describe("The user the workflow belongs to (default 'main')");
const Name = z
  .string()
  .trim()
  .min(1)
  .max(120)
  .describe('Human-friendly label, 1-120 characters, unique per user');
const Key = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, 'a key is 1-100 letters, digits, "_", "-" or "."')
  .describe('Human-friendly identifier, unique per user (derived from the name when omitted)');
const Conditions = z
  .record(z.string(), z.unknown())
  .nullable()
  .describe('A condition on the event ({ field, operator, value } or { all | any: [...] }); {} for none');

const workflowFields = {
  template: TemplateInput.optional().describe('The template; saved as the draft (published by publishing)'),
  auto_start: z
    .boolean()
    .optional()
    .describe('False: triggered executions wait for a manual start (default true)'),
  enabled: z.boolean().optional().describe('Whether triggers start it (default true)'),
  event_trigger: z
    .string()
    .max(100)
    .nullable()
    .optional()
    .describe('Event type that starts it (draft until published): a type, `deal.*` or `*`'),
  stop_event: z.string().max(100).nullable().optional().describe('Stop event name (draft until published)'),
  trigger_conditions: Conditions.optional().describe(
    'Conditions the event must meet (draft until published)',
  ),
  max_triggers_per_day: z
    .number()
    .int()
    .min(1)
    .nullable()
    .optional()
    .describe('Circuit breaker: past this many triggers a day the workflow disables itself'),
  template_status: z
    .enum(['draft', 'published'])
    .optional()
    .describe("'published' publishes the drafts now (validated); 'draft' only saves"),
};

/** Seed 000's one-condition-one-action rule, sent flat in the create body. */
const ruleFields = {
  condition_entity: z
    .string()
    .optional()
    .describe('Rule form: entity to listen on (contact, deal, task, ...)'),
  condition_field: z.string().optional().describe('Rule form: field of the entity (e.g. status)'),
  condition_operator: z.string().optional().describe('Rule form: equals, not_equals, contains, changed, ...'),
  condition_value: z.unknown().optional().describe('Rule form: value to compare against ("" for changed)'),
  action_type: z
    .string()
    .optional()
    .describe('Rule form: send_email, create_task, send_channel_message, webhook, update_field'),
  action_config: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('Rule form: the action settings; strings accept merge tokens like {{deal.name}}'),
};

/**
 * `POST /v1/workflows`: seed 004's template form, or seed 000's rule form (`condition_*` and `action_*`), which
 * becomes a Start → action template published at once.
 */
export const CreateWorkflowInput = z.object({
  name: Name,
  key: Key.optional(),
  user_key: UserKey.optional(),
  ...workflowFields,
  ...ruleFields,
});
export type CreateWorkflowInput = z.infer<typeof CreateWorkflowInput>;

/** Addresses one workflow: by id, or by key (`id_type=key`) within a user (default `main`). */
export const WorkflowRefInput = z.object({
  id: z.string().min(1).max(255).describe('The workflow id, or its key with id_type=key'),
  id_type: IdType,
  user_key: UserKey.optional(),
});
export type WorkflowRefInput = z.infer<typeof WorkflowRefInput>;

/** `GET /v1/workflows/{id}`. */
export const GetWorkflowInput = WorkflowRefInput.extend({ ...expandFields(['event_trigger']) });
export type GetWorkflowInput = z.infer<typeof GetWorkflowInput>;

/** `PUT /v1/workflows/{id}`: only the fields given change; template, trigger and conditions go to the drafts. */
export const UpdateWorkflowInput = WorkflowRefInput.extend({
  name: Name.optional(),
  key: Key.optional(),
  ...workflowFields,
  ...ruleFields,
});
export type UpdateWorkflowInput = z.infer<typeof UpdateWorkflowInput>;

/** `POST /v1/workflows/{id}/clone`: a copy as a draft, with a new unique key (and name, unless given). */
export const CloneWorkflowInput = WorkflowRefInput.extend({ name: Name.optional(), key: Key.optional() });
export type CloneWorkflowInput = z.infer<typeof CloneWorkflowInput>;

/** `GET /v1/workflows`. */
export const ListWorkflowsInput = PageInput.extend({
  user_key: UserKey.optional().describe('Only this user’s workflows (default: every user’s)'),
  template_status: z.enum(['draft', 'published']).optional(),
  ...expandFields(['event_trigger']),
});
export type ListWorkflowsInput = z.infer<typeof ListWorkflowsInput>;

/** The expanded trigger (`expand[]=event_trigger`): the event type object instead of its name. */
export const EventTriggerOutput = apiObject('event_trigger', {
  event: z.string(),
  entity: z.string(),
  description: z.string().nullable(),
  built_in: z.boolean(),
});
export type EventTriggerOutput = z.infer<typeof EventTriggerOutput>;

const Trigger = z.union([z.string(), EventTriggerOutput]).nullable();

/** Per-node execution counts: `{ [node_id]: { pending, scheduled, running, succeeded, failed, skipped } }`. */
export const WorkflowStats = z.record(z.string(), z.record(z.string(), z.number().int()));

/** The workflow object (seed 004), with seed 000's flat fields when it was created as a rule. */
export const WorkflowOutput = apiObject('workflow', {
  key: z.string(),
  user_key: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  disabled_reason: z.string().nullable(),
  auto_start: z.boolean(),
  template_status: z.enum(['draft', 'published']),
  template: z
    .record(z.string(), z.unknown())
    .describe('The published template (the draft while the workflow was never published)'),
  template_draft: z.record(z.string(), z.unknown()),
  event_trigger: Trigger.describe('The published trigger (the draft while never published); expandable'),
  event_trigger_draft: Trigger.describe('The unpublished trigger; expandable'),
  stop_event: z.string().nullable(),
  stop_event_draft: z.string().nullable(),
  trigger_conditions: z.record(z.string(), z.unknown()),
  trigger_conditions_draft: z.record(z.string(), z.unknown()),
  max_triggers_per_day: z.number().int().nullable(),
  executions_count: z.number().int(),
  actions_count: z.number().int(),
  stats: WorkflowStats,
  condition_entity: z.string().optional(),
  condition_field: z.string().optional(),
  condition_operator: z.string().optional(),
  condition_value: z.unknown().optional(),
  action_type: z.string().optional(),
  action_config: z.record(z.string(), z.unknown()).optional(),
  ...timestampShape('created'),
  ...timestampShape('updated'),
  ...timestampShape('last_published', true),
  ...timestampShape('last_triggered', true),
});
export type WorkflowOutput = z.infer<typeof WorkflowOutput>;

/** One workflow. */
export const WorkflowResponse = z.object({ data: WorkflowOutput });
/** A page of workflows, newest first. */
export const WorkflowListResponse = listOutput(WorkflowOutput);
