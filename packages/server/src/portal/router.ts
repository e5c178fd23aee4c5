import { z } from 'zod';
import { EventTypeListResponse, ListEventTypesInput } from '../eventTypes/schema.ts';
import { eventCatalog } from '../eventTypes/service.ts';
import { openapi } from '../openapiMeta.ts';
import { scopedRoute } from '../routes.ts';
import { authenticatedProcedure, publicProcedure, router } from '../trpc.ts';
import { expiresFields, toPortalSessionOutput, toPortalUser } from './mapper.ts';
import {
  CreatedPortalSessionResponse,
  CreatePortalSessionInput,
  EventFieldsInput,
  EventFieldsResponse,
  ExchangeCodeInput,
  ExchangedSessionResponse,
  PortalContextResponse,
  PortalSessionIdInput,
  PortalSessionResponse,
} from './schema.ts';
import {
  createPortalSession,
  eventFields,
  exchangeCode,
  logout,
  portalContext,
  requireSession,
  revokePortalSession,
} from './service.ts';

const tag = 'Portal';
const sessionOnly = 'Called with a portal session token (ps_…), as the portal does; an API key gets 403.';

/** Portal sessions (`/v1/portal/sessions`, secret key) and the portal's own routes (`/v1/portal/…`, session). */
export const portalRouter = router({
  createSession: scopedRoute(
    'users:write',
    {
      method: 'POST',
      path: '/portal/sessions',
      tag,
      summary: 'Open the portal for a user: a single-use link and a session token',
      description:
        'Call from your backend with a secret key. The user is created if new. The session reaches only this ' +
        "user's workflows, executions, webhooks and deliveries, until expires_at or revocation.",
      status: 201,
    },
    CreatePortalSessionInput,
    CreatedPortalSessionResponse,
  ).mutation(async ({ ctx, input }) => {
    const zone = ctx.auth.account.timeZone;
    const made = await createPortalSession(ctx.em, ctx.deps, ctx.auth.account.id, input, ctx.publicUrl);
    return {
      data: {
        ...toPortalSessionOutput(made.session, made.userKey, zone),
        url: made.url,
        token: made.token,
      },
    };
  }),
  revokeSession: scopedRoute(
    'users:write',
    {
      method: 'DELETE',
      path: '/portal/sessions/{id}',
      tag,
      summary: 'End a portal session now',
      notFound: true,
    },
    PortalSessionIdInput,
    PortalSessionResponse,
  ).mutation(async ({ ctx, input }) => {
    const { session, userKey } = await revokePortalSession(ctx.em, ctx.auth.account.id, input.id);
    return { data: toPortalSessionOutput(session, userKey, ctx.auth.account.timeZone) };
  }),
  exchange: publicProcedure
    .meta(
      openapi({
        method: 'POST',
        path: '/portal/sessions/exchange',
        tag,
        summary: "Trade a portal link's single-use code for the browser's session token",
        description: 'The portal calls this when its link is opened; a code works once (401 afterwards).',
        public: true,
        unauthorized:
          'the code is unknown, used already, or its session expired or was revoked (details[].reason)',
      }),
    )
    .input(ExchangeCodeInput)
    .output(ExchangedSessionResponse)
    .mutation(async ({ ctx, input }) => {
      const out = await exchangeCode(ctx.em, ctx.deps, input);
      return {
        data: {
          object: 'portal_token' as const,
          session_id: out.sessionId,
          token: out.token,
          ...expiresFields(out.expiresAt, out.timeZone),
        },
      };
    }),
  session: authenticatedProcedure
    .meta(
      openapi({
        method: 'GET',
        path: '/portal/session',
        tag,
        summary: 'The calling session',
        description: sessionOnly,
      }),
    )
    .input(z.object({}))
    .output(PortalContextResponse)
    .query(async ({ ctx }) => {
      const c = await portalContext(ctx.em, ctx.deps, ctx.auth);
      return {
        data: {
          object: 'portal_context' as const,
          session: {
            id: c.session.id,
            features: [...c.session.features],
            ...expiresFields(c.session.expiresAt, c.timeZone),
          },
          user: toPortalUser(c.user),
          account: { time_zone: c.timeZone, stop_events: c.stopEvents },
          embed: { allowed_origins: c.allowedOrigins },
        },
      };
    }),
  logout: authenticatedProcedure
    .meta(
      openapi({
        method: 'DELETE',
        path: '/portal/session',
        tag,
        summary: 'Log out: end the calling session',
        description: sessionOnly,
      }),
    )
    .input(z.object({}))
    .output(z.object({ data: z.object({ logged_out: z.literal(true) }) }))
    .mutation(async ({ ctx }) => {
      await logout(ctx.em, ctx.auth);
      return { data: { logged_out: true as const } };
    }),
  eventTypes: authenticatedProcedure
    .meta(
      openapi({
        method: 'GET',
        path: '/portal/event-types',
        tag,
        summary: 'The event catalog, for the trigger picker',
        description: sessionOnly,
      }),
    )
    .input(ListEventTypesInput)
    .output(EventTypeListResponse)
    .query(async ({ ctx }) => {
      requireSession(ctx.auth);
      return eventCatalog(ctx.em, ctx.auth.account);
    }),
  eventFields: authenticatedProcedure
    .meta(
      openapi({
        method: 'GET',
        path: '/portal/event-fields',
        tag,
        summary: "The fields of the user's own recent events of a type, for merge-token autocomplete",
        description: sessionOnly,
      }),
    )
    .input(EventFieldsInput)
    .output(EventFieldsResponse)
    .query(async ({ ctx, input }) => ({ data: await eventFields(ctx.em, ctx.auth, input.type) })),
});
