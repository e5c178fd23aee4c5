import { openapi } from '../openapiMeta.ts';
import { pageOf } from '../pagination.ts';
import { router, scopedProcedure } from '../trpc.ts';
import { toDeliveryOutput } from './mapper.ts';
import {
  DeliveryIdInput,
  DeliveryListResponse,
  DeliveryResponse,
  ListDeliveriesInput,
  RecoverInput,
  RecoverResponse,
} from './schema.ts';
import { getDelivery, listDeliveries, recoverDeliveries, retryDelivery } from './service.ts';

const tag = 'Webhooks';

/** Delivery logs and redelivery: `/v1/webhooks/{id}/deliveries`, `/v1/deliveries/{id}`. */
export const deliveriesRouter = router({
  list: scopedProcedure('webhooks:read')
    .meta(
      openapi({
        method: 'GET',
        path: '/webhooks/{id}/deliveries',
        tag,
        summary: "List a webhook's deliveries, newest first",
        notFound: true,
      }),
    )
    .input(ListDeliveriesInput)
    .output(DeliveryListResponse)
    .query(async ({ ctx, input }) =>
      pageOf(await listDeliveries(ctx.em, ctx.auth.account.id, input), (d) =>
        toDeliveryOutput(d, ctx.auth.account.timeZone),
      ),
    ),
  get: scopedProcedure('webhooks:read')
    .meta(
      openapi({
        method: 'GET',
        path: '/deliveries/{id}',
        tag,
        summary: 'Fetch a delivery with every attempt',
        notFound: true,
      }),
    )
    .input(DeliveryIdInput)
    .output(DeliveryResponse)
    .query(async ({ ctx, input }) => {
      const { delivery, attempts } = await getDelivery(ctx.em, ctx.auth.account.id, input.id);
      return { data: toDeliveryOutput(delivery, ctx.auth.account.timeZone, attempts) };
    }),
  retry: scopedProcedure('webhooks:write')
    .meta(
      openapi({
        method: 'POST',
        path: '/deliveries/{id}/retry',
        tag,
        summary: 'Send a delivery again now',
        status: 202,
        notFound: true,
      }),
    )
    .input(DeliveryIdInput)
    .output(DeliveryResponse)
    .mutation(async ({ ctx, input }) => {
      const delivery = await retryDelivery(ctx.em, ctx.auth.account.id, input.id);
      return { data: toDeliveryOutput(delivery, ctx.auth.account.timeZone) };
    }),
  recover: scopedProcedure('webhooks:write')
    .meta(
      openapi({
        method: 'POST',
        path: '/webhooks/{id}/recover',
        tag,
        summary: 'Redeliver every failed delivery since a time',
        status: 202,
        notFound: true,
      }),
    )
    .input(RecoverInput)
    .output(RecoverResponse)
    .mutation(async ({ ctx, input }) => {
      return { data: { queued: await recoverDeliveries(ctx.em, ctx.auth.account.id, input) } };
    }),
});
