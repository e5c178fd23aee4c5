import { openapi } from '../openapiMeta.ts';
import { router, scopedProcedure } from '../trpc.ts';
import {
  CreateEventTypeInput,
  EventTypeListResponse,
  EventTypeResponse,
  ListEventTypesInput,
} from './schema.ts';
import { createEventType, listCustomEventTypes, toEventTypeOutput, toEventTypeOutputs } from './service.ts';

/** The event catalog: `/v1/event-types`. */
export const eventTypesRouter = router({
  list: scopedProcedure('events:write')
    .meta(
      openapi({
        method: 'GET',
        path: '/event-types',
        tag: 'Events',
        summary: 'List the event catalog: the 28 built-in types and the account’s own',
      }),
    )
    .input(ListEventTypesInput)
    .output(EventTypeListResponse)
    .query(async ({ ctx }) => {
      const own = await listCustomEventTypes(ctx.em, ctx.auth.account.id);
      return { data: toEventTypeOutputs(own, ctx.auth.account.timeZone) };
    }),
  create: scopedProcedure('events:write')
    .meta(
      openapi({
        method: 'POST',
        path: '/event-types',
        tag: 'Events',
        summary: 'Register an event type of the account’s own',
        status: 201,
        conflict: 'duplicate_name: the type is already registered',
      }),
    )
    .input(CreateEventTypeInput)
    .output(EventTypeResponse)
    .mutation(async ({ ctx, input }) => {
      const created = await createEventType(ctx.em, ctx.auth.account.id, input);
      return { data: toEventTypeOutput(created, ctx.auth.account.timeZone) };
    }),
});
