import { resource, withChildren } from '../routes.ts';
import { router } from '../trpc.ts';
import { toDeliveryOutput } from './mapper.ts';
import {
  DeliveryIdInput,
  DeliveryOutput,
  ListDeliveriesInput,
  RecoverInput,
  RecoverResponse,
} from './schema.ts';
import { getDelivery, listDeliveries, recoverDeliveries, retryDelivery } from './service.ts';

const tag = 'Webhooks';

/** A delivery, with its attempts when fetched alone. */
const toOutput = withChildren(toDeliveryOutput);

const deliveries = resource(
  { tag, path: '/deliveries/{id}', read: 'webhooks:read', write: 'webhooks:write' },
  DeliveryOutput,
  toOutput,
);

/** Delivery logs and redelivery: `/v1/webhooks/{id}/deliveries`, `/v1/deliveries/{id}`. */
export const deliveriesRouter = router({
  list: deliveries.list("List a webhook's deliveries, newest first", ListDeliveriesInput, listDeliveries, {
    path: '/webhooks/{id}/deliveries',
    notFound: true,
  }),
  get: deliveries.get('Fetch a delivery with every attempt', DeliveryIdInput, getDelivery),
  retry: deliveries.change(
    { method: 'POST', path: '/deliveries/{id}/retry', summary: 'Send a delivery again now', status: 202 },
    DeliveryIdInput,
    (ctx, input) => retryDelivery(ctx.em, ctx.auth.account.id, input.id),
  ),
  recover: deliveries
    .write(
      {
        method: 'POST',
        path: '/webhooks/{id}/recover',
        summary: 'Redeliver every failed delivery since a time',
        status: 202,
        notFound: true,
      },
      RecoverInput,
      RecoverResponse,
    )
    .mutation(async ({ ctx, input }) => ({
      data: { queued: await recoverDeliveries(ctx.em, ctx.auth.account.id, input) },
    })),
});
