import { z } from 'zod';

/**
 * The settings of each built-in action node (the node without `id`, `name`, `type`), once: the API validates a node
 * against them when a workflow is saved or published, the worker parses a step's rendered config with them before
 * it runs, and the DAG's node schemas are built from them.
 */

/** The chat services a `send_channel_message` step (and an `incoming_webhook` connection) may post to. */
export const CHAT_PROVIDERS = ['slack', 'teams', 'discord', 'mattermost'] as const;
/** A chat service. */
export type ChatProvider = (typeof CHAT_PROVIDERS)[number];

/** Slack's Web API unless a connection says otherwise (a proxy, a test server). */
export const SLACK_API_BASE_URL = 'https://slack.com/api';

/** The methods a Webhook node may call with. */
export const WEBHOOK_NODE_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** The fields of a Webhook node's settings (seed 004): `headers` are `"K: V"` lines, `params` `"k: v"` lines. */
export const webhookSettingsShape = {
  url: z.string().min(1, 'url is required'),
  method: z.enum(WEBHOOK_NODE_METHODS).optional(),
  headers: z.string().optional(),
  params: z.string().optional(),
  /** A raw body; sent instead of `params` when given. */
  body: z.string().optional(),
  content_type: z.enum(['application/json', 'application/x-www-form-urlencoded', 'text/plain']).optional(),
};
/** A Webhook node's settings. */
export const WebhookSettings = z.looseObject(webhookSettingsShape);
/** A Webhook node's settings. */
export type WebhookSettings = z.infer<typeof WebhookSettings>;

const Recipients = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/** The fields of a SendEmail node's settings; inside `html` merge-token values are HTML-escaped. */
export const sendEmailSettingsShape = {
  to: Recipients,
  cc: Recipients.optional(),
  bcc: Recipients.optional(),
  reply_to: z.string().optional(),
  subject: z.string().min(1, 'subject is required'),
  text: z.string().optional(),
  html: z.string().optional(),
  /** The smtp connection to send through; the account's newest when absent. */
  connection_id: z.string().optional(),
};
/** An e-mail needs a text or an HTML body (a refinement shared by the settings and the DAG node). */
export function hasEmailBody(c: { text?: string; html?: string }): boolean {
  return c.text !== undefined || c.html !== undefined;
}
/** What {@link hasEmailBody} reports when it fails. */
export const EMAIL_BODY_REQUIRED = { message: 'text or html is required', path: ['text'] };
/** A SendEmail node's settings. */
export const SendEmailSettings = z
  .looseObject(sendEmailSettingsShape)
  .refine(hasEmailBody, EMAIL_BODY_REQUIRED);
/** A SendEmail node's settings. */
export type SendEmailSettings = z.infer<typeof SendEmailSettings>;

/** The fields of seed 000's `send_channel_message` settings: `channel`, `recipient`, `message`. */
export const channelMessageSettingsShape = {
  channel: z.enum(CHAT_PROVIDERS, { message: `channel must be one of ${CHAT_PROVIDERS.join(', ')}` }),
  recipient: z.string().min(1, 'recipient is required'),
  message: z.string().min(1, 'message is required'),
  /** The connection to post through; by default a Slack bot, else an incoming webhook of the channel's service. */
  connection_id: z.string().optional(),
};
/** A SendChannelMessage node's settings. */
export const ChannelMessageSettings = z.looseObject(channelMessageSettingsShape);
/** A SendChannelMessage node's settings. */
export type ChannelMessageSettings = z.infer<typeof ChannelMessageSettings>;

/**
 * The fields every host action (`create_task`, `update_field`) has: the record it is about (by default the trigger
 * event's) and the host_endpoint connection to call.
 */
const hostActionTargetShape = {
  entity: z.string().optional(),
  entity_id: z.string().optional(),
  connection_id: z.string().optional(),
};

/** The fields of `create_task`: `title` (required), `description`, `due_in_days`, `assignee`, `entity`, `entity_id`. */
export const createTaskSettingsShape = {
  title: z.string().min(1, 'title is required'),
  description: z.string().optional(),
  due_in_days: z.number().int().min(0).optional(),
  assignee: z.string().optional(),
  ...hostActionTargetShape,
};
/** A CreateTask node's settings; other keys are passed through to the host. */
export const CreateTaskSettings = z.looseObject(createTaskSettingsShape);
/** A CreateTask node's settings. */
export type CreateTaskSettings = z.infer<typeof CreateTaskSettings>;

/** The fields of `update_field`: `field` (required), `value`, `entity`, `entity_id`. */
export const updateFieldSettingsShape = {
  field: z.string().min(1, 'field is required'),
  value: z.unknown(),
  ...hostActionTargetShape,
};
/** An UpdateField node's settings; other keys are passed through to the host. */
export const UpdateFieldSettings = z.looseObject(updateFieldSettingsShape);
/** An UpdateField node's settings. */
export type UpdateFieldSettings = z.infer<typeof UpdateFieldSettings>;

/** The settings schema of each built-in action node type. */
export const ACTION_SETTINGS = {
  Webhook: WebhookSettings,
  SendEmail: SendEmailSettings,
  SendChannelMessage: ChannelMessageSettings,
  CreateTask: CreateTaskSettings,
  UpdateField: UpdateFieldSettings,
} as const;
