import type { AuthedContext } from '../context.ts';
import type { Webhook } from '../db/entities/index.ts';
import { secretBoxOf } from '../deliveries/ports.ts';
import { openapi } from '../openapiMeta.ts';
import { pageOf } from '../pagination.ts';
import { isoUtc } from '../time.ts';
import { router, scopedProcedure } from '../trpc.ts';
import { toWebhookOutput } from './mapper.ts';
import {
  CreatedWebhookResponse,
  CreateWebhookInput,
  ListWebhooksInput,
  RotatedSecretResponse,
  TestDeliveryResponse,
  UpdateWebhookInput,
  WebhookIdInput,
  WebhookListResponse,
  WebhookResponse,
} from './schema.ts';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listWebhooks,
  rotateSecret,
  sendTestDelivery,
  updateWebhook,
} from './service.ts';

const tag = 'Webhooks';

/** The API shape of a webhook for the calling account (its time zone; secrets unsealed to say which exist). */
const output = (ctx: AuthedContext, hook: Webhook) =>
  toWebhookOutput(hook, ctx.auth.account.timeZone, secretBoxOf(ctx.deps));

/** Webhook subscriptions: `/v1/webhooks`. */
export const webhooksRouter = router({
  create: scopedProcedure('webhooks:write')
    .meta(
      openapi({
        method: 'POST',
        path: '/webhooks',
        tag,
        summary: 'Create a webhook',
        description:
          'The signing secret is in this response only. Errors: invalid_url (not HTTPS, malformed, private ' +
          'address), invalid_events, missing_required_field, 409 duplicate_webhook.',
        status: 201,
        conflict: 'duplicate_webhook: a webhook with this URL already exists',
      }),
    )
    .input(CreateWebhookInput)
    .output(CreatedWebhookResponse)
    .mutation(async ({ ctx, input }) => {
      const { webhook, secret, test } = await createWebhook(ctx.em, ctx.deps, ctx.auth.account.id, input);
      return {
        data: { webhook: { ...output(ctx, webhook), secret }, ...(test ? { test_delivery: test } : {}) },
      };
    }),
  list: scopedProcedure('webhooks:read')
    .meta(openapi({ method: 'GET', path: '/webhooks', tag, summary: 'List webhooks, newest first' }))
    .input(ListWebhooksInput)
    .output(WebhookListResponse)
    .query(async ({ ctx, input }) =>
      pageOf(await listWebhooks(ctx.em, ctx.auth.account.id, input), (w) => output(ctx, w)),
    ),
  get: scopedProcedure('webhooks:read')
    .meta(openapi({ method: 'GET', path: '/webhooks/{id}', tag, summary: 'Fetch a webhook', notFound: true }))
    .input(WebhookIdInput)
    .output(WebhookResponse)
    .query(async ({ ctx, input }) => {
      const hook = await getWebhook(ctx.em, ctx.auth.account.id, input.id);
      return { data: output(ctx, hook) };
    }),
  update: scopedProcedure('webhooks:write')
    .meta(
      openapi({
        method: 'PATCH',
        path: '/webhooks/{id}',
        tag,
        summary: 'Update, pause (active: false) or resume (active: true) a webhook',
        notFound: true,
        conflict: 'duplicate_webhook: a webhook with this URL already exists',
      }),
    )
    .input(UpdateWebhookInput)
    .output(WebhookResponse)
    .mutation(async ({ ctx, input }) => {
      const hook = await updateWebhook(ctx.em, ctx.deps, ctx.auth.account.id, input);
      return { data: output(ctx, hook) };
    }),
  delete: scopedProcedure('webhooks:write')
    .meta(
      openapi({ method: 'DELETE', path: '/webhooks/{id}', tag, summary: 'Delete a webhook', notFound: true }),
    )
    .input(WebhookIdInput)
    .output(WebhookResponse)
    .mutation(async ({ ctx, input }) => {
      const hook = await deleteWebhook(ctx.em, ctx.auth.account.id, input.id);
      return { data: output(ctx, hook) };
    }),
  rotateSecret: scopedProcedure('webhooks:write')
    .meta(
      openapi({
        method: 'POST',
        path: '/webhooks/{id}/rotate-secret',
        tag,
        summary: 'Rotate the signing secret',
        description:
          'The new secret is shown once. The old one keeps signing (a second signature) for 24 hours.',
        notFound: true,
      }),
    )
    .input(WebhookIdInput)
    .output(RotatedSecretResponse)
    .mutation(async ({ ctx, input }) => {
      const r = await rotateSecret(ctx.em, ctx.deps, ctx.auth.account.id, input.id);
      return {
        data: {
          webhook: output(ctx, r.webhook),
          secret: r.secret,
          previous_secret_expires_at_utc: isoUtc(r.previousExpiresAt),
        },
      };
    }),
  test: scopedProcedure('webhooks:write')
    .meta(
      openapi({
        method: 'POST',
        path: '/webhooks/{id}/test',
        tag,
        summary: 'Send a signed test ping now and report the answer',
        notFound: true,
      }),
    )
    .input(WebhookIdInput)
    .output(TestDeliveryResponse)
    .mutation(async ({ ctx, input }) => {
      const hook = await getWebhook(ctx.em, ctx.auth.account.id, input.id);
      return { data: await sendTestDelivery(ctx.em, ctx.deps, ctx.auth.account.id, hook.id) };
    }),
});
