import {
  CONTENT_TYPES,
  LEADSQUARED_EVENT_CODES,
  LEADSQUARED_LANDING_PAGE_CODE,
  type LeadSquaredEventCode,
  leadSquaredEvent,
  METHODS,
  type Problem,
} from '@switchyard/core';
import { z } from 'zod';
import type { CreateWebhookInput } from '../webhooks/schema.ts';

/** A boolean as LeadSquared's callers send it: `true`, or the string `"true"` its documentation quotes. */
const Flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

/** Seed 003's body of LeadSquared's "Create a Webhook", as written (PascalCase). */
export const LeadSquaredCreateWebhookInput = z.object({
  Description: z.string().max(200).nullable().optional().describe('Any text describing the webhook'),
  URL: z.string().max(2048).describe('The URL the data is posted to'),
  Method: z.string().optional().describe('The HTTP method: POST (default), PUT or PATCH'),
  ContentType: z
    .string()
    .optional()
    .describe(`The format of the data: ${CONTENT_TYPES.join(', ')}`),
  // A number or a numeric string; read as a string so that a missing one is `missing_required_field`.
  WebhookEvent: z.preprocess(
    (v) => (typeof v === 'number' ? String(v) : v),
    z
      .string()
      .max(10)
      .describe('The event code, "3" or 3 (Lead create); the README lists every code and its event type'),
  ),
  LandingPageUrls: z
    .union([z.array(z.string()), z.string()])
    .nullable()
    .optional()
    .describe('With IsSpecificLandingPage: the landing pages whose submissions are delivered'),
  IsSpecificLandingPage: Flag.optional(),
  NotifyOnFailure: Flag.optional().describe('E-mail the account when deliveries fail'),
  WebhookProperties: z
    .union([z.record(z.string(), z.unknown()), z.string()])
    .nullable()
    .optional()
    .describe('Activity and opportunity filters (an object, or that object as a JSON string)'),
  CustomHeaders: z
    .array(z.object({ Key: z.string(), Value: z.string() }))
    .nullable()
    .optional()
    .describe('Up to 10 headers sent with every delivery; a name may repeat'),
});
export type LeadSquaredCreateWebhookInput = z.infer<typeof LeadSquaredCreateWebhookInput>;

/** The data fields LeadSquared's filters read in an event (see the README's mapping table). */
export const LEADSQUARED_FILTER_FIELDS = {
  landingPage: 'landing_page_url',
  activityEvent: 'activity_event',
  webPageName: 'web_page_name',
  opportunityEvent: 'opportunity_event',
  status: 'status',
  stage: 'stage',
} as const;

// Accepted and not needed: activity data has no filter of its own, and every delivery is asynchronous.
const IGNORED_PROPERTIES = new Set(['ActivityData', 'IsAsyncEnable']);
const PROPERTIES = new Set([
  ...IGNORED_PROPERTIES,
  'ActivityEvent',
  'WebPageNames',
  'OpportunityEvents',
  'ChangedOpportunityField',
  'StatusFrom',
  'StatusTo',
  'StageFrom',
  'StageTo',
]);

/** A list LeadSquared may send as an array, as a JSON array in a string (`"[]"`), or comma-separated. */
function list(value: unknown, path: string, problems: Problem[]): string[] {
  if (value == null || value === '') return [];
  let v = value;
  if (typeof v === 'string') {
    const text = v.trim();
    if (text.startsWith('[')) {
      try {
        v = JSON.parse(text);
      } catch {
        problems.push({ path, message: 'must be a JSON array, e.g. ["12002"]' });
        return [];
      }
    } else {
      return text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    }
  }
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' || typeof x === 'number')) {
    problems.push({ path, message: 'must be a list of strings' });
    return [];
  }
  return v.map(String);
}

function text(value: unknown, path: string, problems: Problem[]): string | undefined {
  if (value == null || value === '') return undefined;
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  problems.push({ path, message: 'must be a string' });
  return undefined;
}

function properties(raw: LeadSquaredCreateWebhookInput['WebhookProperties'], problems: Problem[]) {
  if (raw == null || raw === '') return {};
  if (typeof raw !== 'string') return raw;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (parsed === null) return {};
    if (typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  problems.push({ path: 'WebhookProperties', message: 'must be an object, or an object as a JSON string' });
  return {};
}

/** `WebhookProperties` as webhook filters, all of which must hold. */
function propertyFilters(props: Record<string, unknown>, problems: Problem[]): Record<string, unknown>[] {
  const at = (k: string) => `WebhookProperties.${k}`;
  for (const key of Object.keys(props)) {
    if (!PROPERTIES.has(key)) {
      problems.push({ path: at(key), message: `unknown property; known: ${[...PROPERTIES].join(', ')}` });
    }
  }
  const f = LEADSQUARED_FILTER_FIELDS;
  const filters: Record<string, unknown>[] = [];
  const activity = text(props.ActivityEvent, at('ActivityEvent'), problems);
  if (activity !== undefined) filters.push({ field: f.activityEvent, operator: 'equals', value: activity });
  const pages = list(props.WebPageNames, at('WebPageNames'), problems);
  if (pages.length > 0) filters.push({ field: f.webPageName, operator: 'in', value: pages });
  const opportunities = list(props.OpportunityEvents, at('OpportunityEvents'), problems);
  if (opportunities.length > 0)
    filters.push({ field: f.opportunityEvent, operator: 'in', value: opportunities });
  const changed = text(props.ChangedOpportunityField, at('ChangedOpportunityField'), problems);
  if (changed !== undefined) filters.push({ field: changed, operator: 'changed' });
  for (const [field, from, to] of [
    [f.status, 'StatusFrom', 'StatusTo'],
    [f.stage, 'StageFrom', 'StageTo'],
  ] as const) {
    const a = text(props[from], at(from), problems);
    const b = text(props[to], at(to), problems);
    if (a !== undefined || b !== undefined) {
      filters.push({ field, ...(a === undefined ? {} : { from: a }), ...(b === undefined ? {} : { to: b }) });
    }
  }
  return filters;
}

/** What a LeadSquared body becomes: the webhook service's input, and the event type it subscribes to. */
export interface MappedLeadSquaredWebhook {
  webhook: CreateWebhookInput;
  event: LeadSquaredEventCode;
}

/**
 * Maps seed 003's body onto the webhook service's input: `WebhookEvent` through the code table, `Method` and
 * `ContentType` case-insensitively, `LandingPageUrls` (with `IsSpecificLandingPage`) and `WebhookProperties` onto
 * filters, `CustomHeaders` as given (a repeated name kept). Returns every problem instead when the body is wrong.
 */
export function mapLeadSquaredWebhook(
  input: LeadSquaredCreateWebhookInput,
):
  | { ok: true; value: MappedLeadSquaredWebhook }
  | { ok: false; code: 'validation_error' | 'invalid_events'; problems: Problem[] } {
  const event = leadSquaredEvent(input.WebhookEvent);
  if (!event) {
    const codes = LEADSQUARED_EVENT_CODES.map((e) => e.code).join(', ');
    return {
      ok: false,
      code: 'invalid_events',
      problems: [
        {
          path: 'WebhookEvent',
          message: `"${input.WebhookEvent}" is not a LeadSquared event code; use one of ${codes}`,
        },
      ],
    };
  }
  const problems: Problem[] = [];
  const method = (input.Method ?? 'POST').trim().toUpperCase();
  if (!(METHODS as readonly string[]).includes(method)) {
    problems.push({ path: 'Method', message: `must be one of ${METHODS.join(', ')}` });
  }
  const contentType = (input.ContentType ?? 'application/json').trim().toLowerCase();
  if (!(CONTENT_TYPES as readonly string[]).includes(contentType)) {
    problems.push({ path: 'ContentType', message: `must be one of ${CONTENT_TYPES.join(', ')}` });
  }
  const filters: Record<string, unknown>[] = [];
  const pages = list(input.LandingPageUrls, 'LandingPageUrls', problems);
  if (input.IsSpecificLandingPage === true) {
    if (event.code !== LEADSQUARED_LANDING_PAGE_CODE) {
      problems.push({
        path: 'IsSpecificLandingPage',
        message: 'only a landing page submission (1) has pages',
      });
    } else if (pages.length === 0) {
      problems.push({ path: 'LandingPageUrls', message: 'required when IsSpecificLandingPage is true' });
    } else {
      filters.push({ field: LEADSQUARED_FILTER_FIELDS.landingPage, operator: 'in', value: pages });
    }
  } else if (pages.length > 0) {
    problems.push({ path: 'IsSpecificLandingPage', message: 'must be true when LandingPageUrls are given' });
  }
  filters.push(...propertyFilters(properties(input.WebhookProperties, problems), problems));
  if (problems.length > 0) return { ok: false, code: 'validation_error', problems };
  return {
    ok: true,
    value: {
      event,
      webhook: {
        url: input.URL,
        events: [event.type],
        description: input.Description ?? null,
        method: method as CreateWebhookInput['method'],
        content_type: contentType as CreateWebhookInput['content_type'],
        headers: input.CustomHeaders ?? undefined,
        filters: filters.length > 0 ? filters : null,
        notify_on_failure: input.NotifyOnFailure ?? false,
      },
    },
  };
}
