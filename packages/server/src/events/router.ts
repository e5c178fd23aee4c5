import { openapi } from '../openapiMeta.ts';
import { router, scopedProcedure } from '../trpc.ts';
import { toEventOutput } from './mapper.ts';
import {
  AcceptedBatchResponse,
  AcceptedEventResponse,
  EventBatchInput,
  EventIdInput,
  EventInput,
  EventListResponse,
  EventResponse,
  ListEventsInput,
} from './schema.ts';
import { getEvent, ingestEvents, listEvents } from './service.ts';

/** Event ingestion and history: `/v1/events`. */
export const eventsRouter = router({
  create: scopedProcedure('events:write')
    .meta({
      ...openapi({
        method: 'POST',
        path: '/events',
        tag: 'Events',
        summary: 'Report an event',
        description:
          'Stores the event and enqueues its deliveries and executions in one transaction, then answers 202. ' +
          'An Idempotency-Key or the event’s own `id` deduplicates.',
        status: 202,
      }),
      rateLimitInStatement: true,
    })
    .input(EventInput)
    .output(AcceptedEventResponse)
    .mutation(async ({ ctx, input }) => {
      const {
        accepted: [accepted],
      } = await ingestEvents(ctx.em, ctx.deps, ctx.auth.account.id, [input], {
        path: () => 'type',
        rateCharge: ctx.rateCharge,
      });
      return { data: accepted as NonNullable<typeof accepted> };
    }),
  batch: scopedProcedure('events:write')
    .meta({
      ...openapi({
        method: 'POST',
        path: '/events/batch',
        tag: 'Events',
        summary: 'Report up to 1,000 events at once',
        description: 'All or nothing: one unknown type refuses the whole batch. Answers in request order.',
        status: 202,
      }),
      rateLimitInStatement: true,
    })
    .input(EventBatchInput)
    .output(AcceptedBatchResponse)
    .mutation(async ({ ctx, input }) => {
      const { accepted } = await ingestEvents(ctx.em, ctx.deps, ctx.auth.account.id, input.events, {
        rateCharge: ctx.rateCharge,
      });
      return { data: accepted };
    }),
  list: scopedProcedure('events:write')
    .meta(openapi({ method: 'GET', path: '/events', tag: 'Events', summary: 'List events, newest first' }))
    .input(ListEventsInput)
    .output(EventListResponse)
    .query(async ({ ctx, input }) => {
      const { rows, meta } = await listEvents(ctx.em, ctx.auth.account.id, input);
      return { data: rows.map((e) => toEventOutput(e, ctx.auth.account.timeZone)), meta };
    }),
  get: scopedProcedure('events:write')
    .meta(
      openapi({
        method: 'GET',
        path: '/events/{id}',
        tag: 'Events',
        summary: 'Fetch an event',
        notFound: true,
      }),
    )
    .input(EventIdInput)
    .output(EventResponse)
    .query(async ({ ctx, input }) => {
      const event = await getEvent(ctx.em, ctx.auth.account.id, input.id);
      return { data: toEventOutput(event, ctx.auth.account.timeZone) };
    }),
});
