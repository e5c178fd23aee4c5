import type { AuthedContext } from '../context.ts';
import type { Webhook } from '../db/entities/index.ts';
import { secretBoxOf } from '../deliveries/ports.ts';
import { resource } from '../routes.ts';
import { isoUtc } from '../time.ts';
import { router } from '../trpc.ts';
import { toWebhookOutput } from './mapper.ts';
import {
  CreatedWebhookResponse,
  CreateWebhookInput,
  ListWebhooksInput,
  RotatedSecretResponse,
  TestDeliveryResponse,
  UpdateWebhookInput,
  WebhookIdInput,
  WebhookOutput,
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

const webhooks = resource(
  { tag, path: '/webhooks/{id}', read: 'webhooks:read', write: 'webhooks:write' },
  WebhookOutput,
  output,
);
/** The 409 of every route that creates or changes a webhook (the compatibility routes' too). */
export const duplicateWebhook = 'duplicate_webhook: a webhook with this URL already exists';

/** Webhook subscriptions: `/v1/webhooks`. */
export const webhooksRouter = router({
  create: webhooks
    .write(
      {
        method: 'POST',
        path: '/webhooks',
        summary: 'Create a webhook',
        description:
          'The signing secret is in this response only. Errors: invalid_url (not HTTPS, malformed, private ' +
          'address), invalid_events, missing_required_field, 409 duplicate_webhook.',
        status: 201,
        conflict: duplicateWebhook,
      },
      CreateWebhookInput,
      CreatedWebhookResponse,
    )
    .mutation(async ({ ctx, input }) => {
      const { webhook, secret, test } = await createWebhook(ctx.em, ctx.deps, ctx.auth.account.id, input);
      return {
        data: { webhook: { ...output(ctx, webhook), secret }, ...(test ? { test_delivery: test } : {}) },
      };
    }),
  list: webhooks.list('List webhooks, newest first', ListWebhooksInput, listWebhooks),
  get: webhooks.get('Fetch a webhook', WebhookIdInput, getWebhook),
  update: webhooks.change(
    {
      method: 'PATCH',
      summary: 'Update, pause (active: false) or resume (active: true) a webhook',
      conflict: duplicateWebhook,
    },
    UpdateWebhookInput,
    (ctx, input) => updateWebhook(ctx.em, ctx.deps, ctx.auth.account.id, input),
  ),
  delete: webhooks.change({ method: 'DELETE', summary: 'Delete a webhook' }, WebhookIdInput, (ctx, input) =>
    deleteWebhook(ctx.em, ctx.auth.account.id, input.id),
  ),
  rotateSecret: webhooks
    .write(
      {
        method: 'POST',
        path: '/webhooks/{id}/rotate-secret',
        summary: 'Rotate the signing secret',
        description:
          'The new secret is shown once. The old one keeps signing (a second signature) for 24 hours.',
        notFound: true,
      },
      WebhookIdInput,
      RotatedSecretResponse,
    )
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
  test: webhooks
    .write(
      {
        method: 'POST',
        path: '/webhooks/{id}/test',
        summary: 'Send a signed test ping now and report the answer',
        notFound: true,
      },
      WebhookIdInput,
      TestDeliveryResponse,
    )
    .mutation(async ({ ctx, input }) => {
      const hook = await getWebhook(ctx.em, ctx.auth.account.id, input.id);
      return { data: await sendTestDelivery(ctx.em, ctx.deps, ctx.auth.account.id, hook.id) };
    }),
});
