import { z } from 'zod';
import { apiObject } from '../apiObject.ts';
import { timestampShape } from '../time.ts';
import { UserKey } from '../users/schema.ts';

/** What a session opens: the workflow builder and runs, the webhook portal; `read_only` forbids every change. */
export const PortalFeature = z.enum(['workflows', 'webhooks', 'read_only']);

/** Default session length: one hour. */
export const DEFAULT_SESSION_SECONDS = 3600;
/** Longest session: one day (a host mints a new link whenever its user opens the portal). */
export const MAX_SESSION_SECONDS = 86_400;

/** `POST /v1/portal/sessions`. */
export const CreatePortalSessionInput = z.object({
  user_key: UserKey.describe('The end user; a user not seen before is created (auto-discovery, seed 004)'),
  expires_in: z
    .number()
    .int()
    .min(60)
    .max(MAX_SESSION_SECONDS)
    .default(DEFAULT_SESSION_SECONDS)
    .describe('Seconds until the session ends: 60 to 86,400 (default 3,600)'),
  features: z
    .array(PortalFeature)
    .min(1)
    .refine((f) => f.includes('workflows') || f.includes('webhooks'), 'name workflows, webhooks or both')
    .default(['workflows', 'webhooks'])
    .describe('What the portal shows: workflows, webhooks, and read_only to forbid changes'),
});
export type CreatePortalSessionInput = z.infer<typeof CreatePortalSessionInput>;

/** A portal session as its creator sees it. */
export const PortalSessionOutput = apiObject('portal_session', {
  user_key: z.string(),
  features: z.array(z.string()),
  revoked: z.boolean(),
  ...timestampShape('expires'),
  ...timestampShape('created'),
});
export type PortalSessionOutput = z.infer<typeof PortalSessionOutput>;

/** The creation response: the link (single use) and the token, both shown once. */
export const CreatedPortalSessionResponse = z.object({
  data: PortalSessionOutput.extend({
    url: z.string().describe('Single-use link that opens the portal signed in: redirect to it or frame it'),
    token: z
      .string()
      .describe('The session token (ps_…): send it as Authorization: Bearer to the API, as a key'),
  }),
});

/** One session. */
export const PortalSessionResponse = z.object({ data: PortalSessionOutput });

/** Addresses one session. */
export const PortalSessionIdInput = z.object({ id: z.uuid() });

/** `POST /v1/portal/sessions/exchange`: what the portal sends when its link is opened. */
export const ExchangeCodeInput = z.object({
  code: z.string().min(1).max(200).describe("The link's single-use code (its #code= fragment)"),
  // The embed script sends the host's pk_… key here: a code minted for another account than the key's is refused.
  publishable_key: z
    .string()
    .max(200)
    .optional()
    .describe("The publishable key the embed script was given: only a link of that key's account is traded"),
});
export type ExchangeCodeInput = z.infer<typeof ExchangeCodeInput>;

/** The browser's own token for the session. */
export const ExchangedSessionResponse = z.object({
  data: z.object({
    object: z.literal('portal_token'),
    session_id: z.string(),
    token: z.string().describe('The session token for this browser (ps_…)'),
    ...timestampShape('expires'),
  }),
});

/** `GET /v1/portal/session`: who the session is for and what the portal needs to draw itself. */
export const PortalContextResponse = z.object({
  data: z.object({
    object: z.literal('portal_context'),
    session: z.object({ id: z.string(), features: z.array(z.string()), ...timestampShape('expires') }),
    user: z.object({
      key: z.string(),
      name: z.string().nullable(),
      email: z.string().nullable(),
      primary_color: z.string().nullable(),
      logo_url: z.string().nullable(),
    }),
    account: z.object({
      time_zone: z.string(),
      stop_events: z.array(z.string()).describe("The account's stop events, for the Start node's selector"),
    }),
    embed: z.object({
      allowed_origins: z
        .array(z.string())
        .describe('Origins that may frame the portal and receive its events'),
    }),
  }),
});

/** `GET /v1/portal/event-fields`. */
export const EventFieldsInput = z.object({ type: z.string().min(1).max(100).describe('An event type') });

/** The field paths of the user's own recent events of a type: what merge tokens can name. */
export const EventFieldsResponse = z.object({
  data: z.object({
    type: z.string(),
    entity: z.string(),
    fields: z.array(z.object({ path: z.string(), type: z.string() })),
  }),
});
