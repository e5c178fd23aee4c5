import { z } from 'zod';
import {
  channelMessageSettingsShape,
  createTaskSettingsShape,
  EMAIL_BODY_REQUIRED,
  hasEmailBody,
  sendEmailSettingsShape,
  updateFieldSettingsShape,
  webhookSettingsShape,
} from '../actions/settings.ts';
import { Condition } from '../conditions.ts';
import { DelaySettings } from '../delays.ts';

/**
 * Workflow templates exactly as seed 004 shows them: `nodes` is an array of node objects with an `id`, `edges` are
 * `"from-to"` strings, and `positions`, `width`, `height` (the editor's layout) are kept as given. Every object is
 * loose: attributes we do not know are kept, so a template round-trips unchanged.
 */

/** Every node type. `Start` is the entry, `Delay` waits, `Condition` gates; the rest are actions. */
export const NODE_TYPES = [
  'Start',
  'Delay',
  'Webhook',
  'SendEmail',
  'CreateTask',
  'SendChannelMessage',
  'UpdateField',
  'Condition',
] as const;

/** A node type. */
export type NodeType = (typeof NODE_TYPES)[number];

/** The action (seed 000's `action_type`, the worker's provider name) each action node type performs. */
export const ACTION_OF_NODE_TYPE = {
  Webhook: 'webhook',
  SendEmail: 'send_email',
  CreateTask: 'create_task',
  SendChannelMessage: 'send_channel_message',
  UpdateField: 'update_field',
} as const;

/** An action name. */
export type ActionType = (typeof ACTION_OF_NODE_TYPE)[keyof typeof ACTION_OF_NODE_TYPE];

/** The node type that performs an action (`send_email` → `SendEmail`), or undefined for an unknown action. */
export function nodeTypeOfAction(action: string): keyof typeof ACTION_OF_NODE_TYPE | undefined {
  const entry = Object.entries(ACTION_OF_NODE_TYPE).find(([, a]) => a === action);
  return entry?.[0] as keyof typeof ACTION_OF_NODE_TYPE | undefined;
}

const base = {
  id: z.string().min(1, 'id is required').max(200),
  name: z.string().max(200).optional(),
};

/** The entry node: every execution starts here. */
export const StartNode = z.looseObject({ ...base, type: z.literal('Start') });

/** Waits `delay_n` `delay_unit`s, optionally until `minute_of_day` in the account's zone. */
export const DelayNode = z.looseObject({
  ...base,
  type: z.literal('Delay'),
  ...DelaySettings.shape,
});

// The action nodes are their settings (actions/settings.ts, the one definition the API and the worker use) plus
// `id`, `name` and `type`.

/** An outbound HTTP request: `headers` are `"K: V"` lines and `params` `"k: v"` lines (the request body). */
export const WebhookNode = z.looseObject({ ...base, type: z.literal('Webhook'), ...webhookSettingsShape });

/** An e-mail through the account's SMTP server; every string accepts merge tokens. */
export const SendEmailNode = z
  .looseObject({ ...base, type: z.literal('SendEmail'), ...sendEmailSettingsShape })
  .refine(hasEmailBody, EMAIL_BODY_REQUIRED);

/** A chat message (seed 000: `channel` such as `slack`, `recipient` such as `#sales-wins`, `message`). */
export const SendChannelMessageNode = z.looseObject({
  ...base,
  type: z.literal('SendChannelMessage'),
  ...channelMessageSettingsShape,
});

/**
 * A task created by the host app (through its action endpoint). Documented keys: `title` (required),
 * `description`, `due_in_days`, `assignee`, `entity`, `entity_id`; any other key is passed through to the host.
 */
export const CreateTaskNode = z.looseObject({
  ...base,
  type: z.literal('CreateTask'),
  ...createTaskSettingsShape,
});

/**
 * A field update done by the host app. Documented keys: `field` (required), `value` (any JSON, strings accept merge
 * tokens), `entity` and `entity_id` (default: the triggering entity); other keys are passed through to the host.
 */
export const UpdateFieldNode = z.looseObject({
  ...base,
  type: z.literal('UpdateField'),
  ...updateFieldSettingsShape,
});

/** A gate: when its condition is false for the execution's data, every descendant is skipped. */
export const ConditionNode = z.looseObject({ ...base, type: z.literal('Condition'), condition: Condition });

/** Any node, by `type`. */
export const WorkflowNode = z.discriminatedUnion('type', [
  StartNode,
  DelayNode,
  WebhookNode,
  SendEmailNode,
  SendChannelMessageNode,
  CreateTaskNode,
  UpdateFieldNode,
  ConditionNode,
]);

/** A workflow node. */
export type WorkflowNode = z.infer<typeof WorkflowNode>;

/** A node's position in the editor. */
export const NodePosition = z.looseObject({ x: z.number(), y: z.number() });

/** A workflow template (seed 004): nodes, `"a-b"` edges and the editor's layout, kept as given. */
export const WorkflowTemplate = z.looseObject({
  nodes: z.array(WorkflowNode),
  edges: z.array(z.string()),
  positions: z.record(z.string(), NodePosition).optional(),
  width: z.number().optional(),
  height: z.number().optional(),
});

/** A workflow template. */
export type WorkflowTemplate = z.infer<typeof WorkflowTemplate>;

/** The settings an action node passes to its provider: the node without `id`, `name` and `type`. */
export function nodeConfig(node: WorkflowNode): Record<string, unknown> {
  const { id: _id, name: _name, type: _type, ...config } = node;
  return config;
}
