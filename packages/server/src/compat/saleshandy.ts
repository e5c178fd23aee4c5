import { SALESHANDY_EVENT_TYPES } from '@switchyard/core';
import { z } from 'zod';
import type { EntityManager } from '../db/orm.ts';
import { secretBoxOf } from '../deliveries/ports.ts';
import type { ServerDeps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { openHeaders } from '../webhooks/secrets.ts';
import { createWebhook } from '../webhooks/service.ts';
import { inTheirFieldNames } from './fieldNames.ts';

const NAMES = SALESHANDY_EVENT_TYPES.map((e) => e.type);
const byName = new Map(SALESHANDY_EVENT_TYPES.map((e) => [e.type, e]));

/** Seed 002's body of `POST /v1/webhook/create`, every field required as Saleshandy requires it. */
export const SaleshandyCreateWebhookInput = z.object({
  name: z.string().trim().min(1).max(200).describe('Display name for the webhook'),
  webhookUrl: z.string().max(2048).describe('Destination URL where the webhook payload will be delivered'),
  webhookEvent: z
    .array(z.string())
    .min(1)
    .describe(`Webhook events to subscribe to: one or more of ${NAMES.join(', ')}`),
  headers: z
    .record(z.string(), z.string())
    .describe('Custom HTTP headers included in each webhook delivery. Pass {} if none are needed.'),
});
export type SaleshandyCreateWebhookInput = z.infer<typeof SaleshandyCreateWebhookInput>;

/** Seed 002's answer: `{ message, payload }`, plus the signing secret (shown once) to verify deliveries with. */
export const SaleshandyWebhookResponse = z.object({
  message: z.string(),
  payload: z.object({
    id: z.string(),
    name: z.string(),
    webhookUrl: z.string(),
    webhookEvent: z.array(z.string()),
    headers: z.record(z.string(), z.string()),
    status: z.enum(['active', 'paused', 'disabled']).describe('paused when the test delivery failed'),
    testDelivery: z.object({
      status: z.enum(['succeeded', 'failed']),
      statusCode: z.number().int().nullable(),
      error: z.string().nullable(),
    }),
    secret: z.string().describe('The signing secret (whsec_…) of the deliveries. Shown once: store it now.'),
  }),
});
export type SaleshandyWebhookResponse = z.infer<typeof SaleshandyWebhookResponse>;

/**
 * Seed 002 (Saleshandy): creates a webhook through the one webhook service, with a test delivery at creation that
 * leaves it paused when it fails. The events are Saleshandy's own names (`email-sent`, …), which join the account's
 * catalog, so the host sends them as they are.
 */
export async function createSaleshandyWebhook(
  em: EntityManager,
  deps: ServerDeps,
  accountId: string,
  input: SaleshandyCreateWebhookInput,
): Promise<SaleshandyWebhookResponse> {
  const unknown = input.webhookEvent.flatMap((e, i) =>
    byName.has(e)
      ? []
      : [{ path: `webhookEvent[${i}]`, message: `"${e}" is not a Saleshandy webhook event` }],
  );
  if (unknown.length > 0) {
    throw new AppError(
      'invalid_events',
      `One or more event names are not recognized; accepted: ${NAMES.join(', ')}`,
      unknown,
    );
  }
  const events = [...new Set(input.webhookEvent)];
  const { webhook, secret, test } = await inTheirFieldNames(
    { url: 'webhookUrl', events: 'webhookEvent', name: 'name', headers: 'headers' },
    () =>
      createWebhook(
        em,
        deps,
        accountId,
        { url: input.webhookUrl, name: input.name, events, headers: input.headers, test_delivery: true },
        { register: events.map((e) => byName.get(e) as (typeof SALESHANDY_EVENT_TYPES)[number]) },
      ),
  );
  return {
    message: 'Webhook created successfully',
    payload: {
      id: webhook.id,
      name: webhook.name ?? input.name,
      webhookUrl: webhook.url,
      webhookEvent: webhook.events,
      headers: openHeaders(webhook, secretBoxOf(deps)),
      status: webhook.status,
      testDelivery: {
        status: test?.status ?? 'failed',
        statusCode: test?.status_code ?? null,
        error: test?.error ?? null,
      },
      secret,
    },
  };
}
