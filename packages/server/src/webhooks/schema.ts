import { CONTENT_TYPES, type ConditionTree, METHODS, OPERATORS } from '@switchyard/core';
import { z } from 'zod';
import { apiObject } from '../apiObject.ts';
import { PageInput } from '../pagination.ts';
import { timestampShape } from '../time.ts';

const Filter = z.record(z.string(), z.unknown());

/** The end user who owns an endpoint: it then receives only that user's events (portal sessions set it). */
const OwnerKey = z
  .string()
  .min(1)
  .max(200)
  .describe(
    "The end user who owns the endpoint: it receives only that user's events. Omit for the account's own",
  );

/** Custom headers as an object (seed 002) or seed 003's list of `{ Key, Value }` pairs. */
const HeadersInput = z.union([
  z.record(z.string(), z.string()),
  z.array(
    z.union([
      z.object({ key: z.string(), value: z.string() }),
      z.object({ Key: z.string(), Value: z.string() }),
    ]),
  ),
]);
export type HeadersInput = z.infer<typeof HeadersInput>;

const fields = {
  // A plain string: `invalid_url` (HTTPS, private addresses) is decided by the URL rules (core's urlRefusal), not by zod.
  url: z
    .string()
    .min(1)
    .max(2048)
    .describe('HTTPS URL that receives deliveries; private addresses are refused (SSRF)'),
  events: z
    .array(z.string().min(1))
    .describe(
      'Event types to subscribe to: catalog types, your own, `deal.*` (an entity) or `*` (everything)',
    ),
  name: z.string().max(200).nullable().optional(),
  description: z
    .string()
    .max(200)
    .nullable()
    .optional()
    .describe('Human-readable description (max 200 chars)'),
  active: z.boolean().optional().describe('False registers the webhook paused'),
  method: z.enum(METHODS).optional().describe('HTTP method of deliveries (default POST)'),
  content_type: z
    .enum(CONTENT_TYPES)
    .optional()
    .describe('Body format of deliveries (default application/json)'),
  headers: HeadersInput.optional().describe('Up to 10 custom headers sent with every delivery'),
  filters: z
    .union([Filter, z.array(Filter)])
    .nullable()
    .optional()
    .describe(
      'Payload filters (all must hold): conditions, or `{ field, from, to }` for "changed from X to Y"',
    ),
  notify_on_failure: z
    .boolean()
    .optional()
    .describe(
      'E-mail the account when deliveries fail for good (at most one notice an hour, counting what failed since) and when the webhook is disabled',
    ),
};

/** `POST /v1/webhooks` (seed 001's body works as written). */
export const CreateWebhookInput = z.object({
  ...fields,
  user_key: OwnerKey.optional(),
  test_delivery: z
    .boolean()
    .optional()
    .describe('Send a test ping now; if it fails the webhook starts paused'),
});
export type CreateWebhookInput = z.infer<typeof CreateWebhookInput>;

/** `PATCH /v1/webhooks/{id}`: only the fields given change; `active` pauses or resumes. */
export const UpdateWebhookInput = z.object({
  id: z.uuid(),
  url: fields.url.optional(),
  events: fields.events.optional(),
  name: fields.name,
  description: fields.description,
  active: fields.active,
  method: fields.method,
  content_type: fields.content_type,
  headers: fields.headers,
  filters: fields.filters,
  notify_on_failure: fields.notify_on_failure,
});
export type UpdateWebhookInput = z.infer<typeof UpdateWebhookInput>;

/** Addresses one webhook. */
export const WebhookIdInput = z.object({ id: z.uuid() });

/** `GET /v1/webhooks`. */
export const ListWebhooksInput = PageInput.extend({
  user_key: OwnerKey.optional().describe("Only this end user's endpoints (default: every endpoint)"),
});
export type ListWebhooksInput = z.infer<typeof ListWebhooksInput>;

/** The result of a test ping. */
export const TestDeliveryOutput = z.object({
  delivery_id: z.string(),
  status: z.enum(['succeeded', 'failed']),
  status_code: z.number().int().nullable(),
  error: z.string().nullable(),
});
export type TestDeliveryOutput = z.infer<typeof TestDeliveryOutput>;

/** The webhook object. The secret is never part of it (see the creation and rotation responses). */
/**
 * A stored filter as responses show it: one condition (seed 003's from/to shorthand is stored as the conditions it
 * means). Recursive, so the document has it once as the `Condition` component.
 */
const StoredCondition: z.ZodType<ConditionTree> = z
  .lazy(() =>
    z.union([
      z.object({
        field: z.string().describe('Dotted path in the event data, e.g. "status" or "owner.email"'),
        operator: z.enum(OPERATORS),
        value: z.unknown().optional().describe('What the field is compared with (not for changed or exists)'),
      }),
      z.object({ all: z.array(StoredCondition).describe('Every condition must hold') }),
      z.object({ any: z.array(StoredCondition).describe('At least one condition must hold') }),
    ]),
  )
  .meta({ id: 'Condition', description: 'A condition: a comparison, or an all / any group of conditions' });

export const WebhookOutput = apiObject('webhook', {
  user_key: z.string().nullable().describe("The end user who owns it; null for the account's own"),
  url: z.string(),
  name: z.string().nullable(),
  description: z.string().nullable(),
  events: z.array(z.string()),
  filters: StoredCondition.nullable().describe('The filter deliveries must pass (null: none)'),
  method: z.string(),
  content_type: z.string(),
  headers: z.record(z.string(), z.string()),
  active: z.boolean(),
  status: z.enum(['active', 'paused', 'disabled']),
  disabled_reason: z.string().nullable(),
  notify_on_failure: z.boolean(),
  ...timestampShape('created'),
  ...timestampShape('updated'),
  ...timestampShape('failing_since', true),
  ...timestampShape('last_success', true),
});
export type WebhookOutput = z.infer<typeof WebhookOutput>;

/** Seed 001's creation response: `data.webhook`, with the secret, shown this once. */
export const CreatedWebhookResponse = z.object({
  data: z.object({
    webhook: WebhookOutput.extend({
      secret: z.string().describe('The signing secret (whsec_…). Shown once: store it now.'),
    }),
    test_delivery: TestDeliveryOutput.optional(),
  }),
});
/** `POST /v1/webhooks/{id}/rotate-secret`: the new secret, shown once; the old one signs for 24 h more. */
export const RotatedSecretResponse = z.object({
  data: z.object({
    webhook: WebhookOutput,
    secret: z.string(),
    previous_secret_expires_at_utc: z.string(),
  }),
});
/** `POST /v1/webhooks/{id}/test`. */
export const TestDeliveryResponse = z.object({ data: TestDeliveryOutput });
