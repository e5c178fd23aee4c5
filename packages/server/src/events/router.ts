import type { AuthedContext } from '../context.ts';
import type { Event } from '../db/entities/index.ts';
import { resource, scopedRoute } from '../routes.ts';
import { router } from '../trpc.ts';
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

const tag = 'Events';
const events = resource({
  tag,
  path: '/events',
  param: 'id',
  read: 'events:write',
  write: 'events:write',
  toOutput: (ctx: AuthedContext, e: Event) => toEventOutput(e, ctx.auth.account.timeZone),
  one: EventResponse,
  list: EventListResponse,
});

/** Event ingestion and history: `/v1/events`. */
export const eventsRouter = router({
  create: scopedRoute(
    'events:write',
    {
      method: 'POST',
      path: '/events',
      tag,
      summary: 'Report an event',
      description:
        'Stores the event and enqueues its deliveries and executions in one transaction, then answers 202. ' +
        'An Idempotency-Key or the event’s own `id` deduplicates.',
      status: 202,
      rateLimitInStatement: true,
    },
    EventInput,
    AcceptedEventResponse,
  ).mutation(async ({ ctx, input }) => {
    const {
      accepted: [accepted],
    } = await ingestEvents(ctx.em, ctx.deps, ctx.auth.account.id, [input], {
      path: () => 'type',
      rateCharge: ctx.rateCharge,
    });
    return { data: accepted as NonNullable<typeof accepted> };
  }),
  batch: scopedRoute(
    'events:write',
    {
      method: 'POST',
      path: '/events/batch',
      tag,
      summary: 'Report up to 1,000 events at once',
      description: 'All or nothing: one unknown type refuses the whole batch. Answers in request order.',
      status: 202,
      rateLimitInStatement: true,
    },
    EventBatchInput,
    AcceptedBatchResponse,
  ).mutation(async ({ ctx, input }) => {
    const { accepted } = await ingestEvents(ctx.em, ctx.deps, ctx.auth.account.id, input.events, {
      rateCharge: ctx.rateCharge,
    });
    return { data: accepted };
  }),
  list: events.list('List events, newest first', ListEventsInput, listEvents),
  get: events.get('Fetch an event', EventIdInput, getEvent),
});
