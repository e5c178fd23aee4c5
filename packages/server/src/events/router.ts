import type { AuthedContext } from '../context.ts';
import type { Event } from '../db/entities/index.ts';
import { resource } from '../routes.ts';
import { router } from '../trpc.ts';
import { toEventOutput } from './mapper.ts';
import {
  AcceptedBatchResponse,
  type AcceptedEvent,
  AcceptedEventResponse,
  EventBatchInput,
  EventIdInput,
  EventInput,
  EventOutput,
  ListEventsInput,
} from './schema.ts';
import { getEvent, ingestEvents, listEvents } from './service.ts';

const tag = 'Events';
const events = resource(
  { tag, path: '/events/{id}', read: 'events:write', write: 'events:write' },
  EventOutput,
  (ctx: AuthedContext, e: Event) => toEventOutput(e, ctx.auth.account.timeZone),
);

/** Event ingestion and history: `/v1/events`. */
export const eventsRouter = router({
  create: events
    .write(
      {
        method: 'POST',
        path: '/events',
        summary: 'Report an event',
        description:
          'Stores the event and enqueues its deliveries and executions in one transaction, then answers 202. ' +
          'An Idempotency-Key or the event’s own `id` deduplicates.',
        status: 202,
        rateLimitInStatement: true,
        idempotencyInStatement: true,
      },
      EventInput,
      AcceptedEventResponse,
    )
    .mutation(async ({ ctx, input }) => {
      const respond = (accepted: AcceptedEvent[]) => ({ data: accepted[0] as AcceptedEvent });
      const { accepted } = await ingestEvents(ctx.em, ctx.deps, ctx.auth.account.id, [input], {
        path: () => 'type',
        rateCharge: ctx.rateCharge,
        idempotency: ctx.idempotency && { charge: ctx.idempotency, respond },
      });
      return respond(accepted);
    }),
  batch: events
    .write(
      {
        method: 'POST',
        path: '/events/batch',
        summary: 'Report up to 1,000 events at once',
        description: 'All or nothing: one unknown type refuses the whole batch. Answers in request order.',
        status: 202,
        rateLimitInStatement: true,
        idempotencyInStatement: true,
      },
      EventBatchInput,
      AcceptedBatchResponse,
    )
    .mutation(async ({ ctx, input }) => {
      const respond = (accepted: AcceptedEvent[]) => ({ data: accepted });
      const { accepted } = await ingestEvents(ctx.em, ctx.deps, ctx.auth.account.id, input.events, {
        rateCharge: ctx.rateCharge,
        idempotency: ctx.idempotency && { charge: ctx.idempotency, respond },
      });
      return respond(accepted);
    }),
  list: events.list('List events, newest first', ListEventsInput, listEvents),
  get: events.get('Fetch an event', EventIdInput, getEvent),
});
