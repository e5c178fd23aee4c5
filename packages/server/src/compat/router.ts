import { scopedRoute } from '../routes.ts';
import { router } from '../trpc.ts';
import { duplicateWebhook } from '../webhooks/router.ts';
import {
  consumeLeadSquaredLimit,
  createLeadSquaredWebhook,
  LeadSquaredWebhookResponse,
} from './leadSquared.ts';
import { LeadSquaredCreateWebhookInput } from './leadSquaredMapping.ts';
import {
  createSaleshandyWebhook,
  SaleshandyCreateWebhookInput,
  SaleshandyWebhookResponse,
} from './saleshandy.ts';

const tag = 'Compatibility';

/**
 * Routes that take another product's own request and answer in its shape, so a host moving from it keeps its code:
 * thin adapters over the webhook service (the same validation, storage, signing and delivery).
 */
export const compatRouter = router({
  saleshandyCreateWebhook: scopedRoute(
    'webhooks:write',
    {
      method: 'POST',
      path: '/webhook/create',
      tag,
      summary: 'Create a webhook, Saleshandy style (seed 002)',
      description:
        'Saleshandy’s body (name, webhookUrl, webhookEvent, headers; all required) and answer ({ message, ' +
        'payload }). Authenticate with x-api-key. A test delivery is sent at once; when it fails the webhook ' +
        'is created paused. Errors: invalid_url, invalid_events (not a Saleshandy event), ' +
        'missing_required_field, 409 duplicate_webhook.',
      conflict: duplicateWebhook,
    },
    SaleshandyCreateWebhookInput,
    SaleshandyWebhookResponse,
  ).mutation(({ ctx, input }) => createSaleshandyWebhook(ctx.em, ctx.deps, ctx.auth.account.id, input)),
  leadSquaredCreateWebhook: scopedRoute(
    'webhooks:write',
    {
      method: 'POST',
      path: '/leadsquared/webhooks',
      tag,
      summary: 'Create a webhook, LeadSquared style (seed 003)',
      description:
        'LeadSquared’s PascalCase body and answer ({ Status: "Success", Message: { Id } }). WebhookEvent codes ' +
        'map to named event types (README), WebhookProperties and LandingPageUrls to filters, CustomHeaders may ' +
        'repeat a name. 401 invalid credentials, 400 a body not as specified, 404 a wrong path, 429 more than ' +
        '25 calls in 5 seconds.',
      conflict: duplicateWebhook,
    },
    LeadSquaredCreateWebhookInput,
    LeadSquaredWebhookResponse,
  ).mutation(async ({ ctx, input }) => {
    await consumeLeadSquaredLimit(ctx.deps, ctx.auth.apiKeyId, ctx.res);
    return createLeadSquaredWebhook(ctx.em, ctx.deps, ctx.auth.account.id, input);
  }),
});
