import { openapi } from '../openapiMeta.ts';
import { scopedRoute } from '../routes.ts';
import { anyKeyProcedure, router } from '../trpc.ts';
import {
  CreateEventTypeInput,
  EventTypeListResponse,
  EventTypeResponse,
  ListEventTypesInput,
} from './schema.ts';
import { createEventType, eventCatalog, toEventTypeOutput } from './service.ts';

const tag = 'Events';

/** The event catalog: `/v1/event-types`. */
export const eventTypesRouter = router({
  list: anyKeyProcedure
    .meta(
      openapi({
        method: 'GET',
        path: '/event-types',
        tag,
        summary:
          'List the event catalog: the 28 built-in types, the account’s registered ones and every name it sent',
        description:
          'Readable with any key of the account, a publishable key (pk_…) included. Webhook subscriptions accept ' +
          'the names listed here (and `*`, `<name>.*`); events, triggers and workflows take any well-formed name.',
      }),
    )
    .input(ListEventTypesInput)
    .output(EventTypeListResponse)
    .query(({ ctx }) => eventCatalog(ctx.em, ctx.auth.account)),
  create: scopedRoute(
    'events:write',
    {
      method: 'POST',
      path: '/event-types',
      tag,
      summary: 'Register an event type of the account’s own',
      description: 'A name the account has only sent so far becomes registered; a registered one is 409.',
      status: 201,
      conflict: 'duplicate_name: the type is already registered',
    },
    CreateEventTypeInput,
    EventTypeResponse,
  ).mutation(async ({ ctx, input }) => {
    const created = await createEventType(ctx.em, ctx.auth.account.id, input);
    return { data: toEventTypeOutput(created, ctx.auth.account.timeZone) };
  }),
});
