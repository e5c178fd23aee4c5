/**
 * The event vocabularies of the products a host may be moving from (seeds 002 and 003), as data: the compatibility
 * routes accept these names and codes and subscribe to the Switchyard event types they map to. Any of these types
 * can be sent like every other event name.
 */

/** One event type a compatibility route subscribes to, and what it means. */
export interface CompatEventType {
  type: string;
  description: string;
}

/**
 * Saleshandy's 19 webhook events (seed 002), kept as the event names themselves: a host sends `email-sent` exactly
 * as Saleshandy did.
 */
export const SALESHANDY_EVENT_TYPES: readonly CompatEventType[] = Object.freeze([
  { type: 'email-sent', description: 'Saleshandy: an e-mail was sent' },
  { type: 'email-opened', description: 'Saleshandy: an e-mail was opened' },
  { type: 'email-link-clicked', description: 'Saleshandy: a link in an e-mail was clicked' },
  { type: 'reply-received', description: 'Saleshandy: a reply was received' },
  { type: 'email-bounced', description: 'Saleshandy: an e-mail bounced' },
  { type: 'prospect-unsubscribed', description: 'Saleshandy: a prospect unsubscribed' },
  { type: 'prospect-finished', description: 'Saleshandy: a prospect finished the sequence' },
  { type: 'prospect-outcome-updated', description: "Saleshandy: a prospect's outcome was updated" },
  { type: 'sequence-paused', description: 'Saleshandy: a sequence was paused' },
  { type: 'email-account-disconnected', description: 'Saleshandy: an e-mail account was disconnected' },
  { type: 'email-account-paused', description: 'Saleshandy: an e-mail account was paused' },
  { type: 'inbox-analyser-test-completed', description: 'Saleshandy: an inbox analyser test completed' },
  { type: 'task-created', description: 'Saleshandy: a task was created' },
  { type: 'task-updated', description: 'Saleshandy: a task was updated' },
  { type: 'bulk-task-updated', description: 'Saleshandy: tasks were updated in bulk' },
  { type: 'call-task-updated', description: 'Saleshandy: a call task was updated' },
  { type: 'linkedin-task-updated', description: 'Saleshandy: a LinkedIn task was updated' },
  { type: 'custom-task-updated', description: 'Saleshandy: a custom task was updated' },
  { type: 'whatsapp-task-updated', description: 'Saleshandy: a WhatsApp task was updated' },
]);

/** One LeadSquared `WebhookEvent` code (seed 003) and the event type it is delivered for. */
export interface LeadSquaredEventCode extends CompatEventType {
  code: number;
  /** LeadSquared's own name of the event. */
  label: string;
}

function lsq(code: number, label: string, type: string): LeadSquaredEventCode {
  return { code, label, type, description: `LeadSquared ${code}: ${label}` };
}

/**
 * LeadSquared's numeric `WebhookEvent` codes mapped to named event types. Task events map onto the built-in
 * `task.*` types of the same meaning; the rest are `lead.*`, `landing_page.*` and `opportunity.*` names.
 */
export const LEADSQUARED_EVENT_CODES: readonly LeadSquaredEventCode[] = Object.freeze([
  lsq(1, 'Landing page submission', 'landing_page.submitted'),
  lsq(2, 'Lead activity create', 'lead.activity_created'),
  lsq(3, 'Lead create', 'lead.created'),
  lsq(4, 'Lead owner change', 'lead.owner_changed'),
  lsq(5, 'Lead stage change', 'lead.stage_changed'),
  lsq(6, 'Lead update', 'lead.updated'),
  lsq(7, 'Task create', 'task.created'),
  lsq(8, 'Task reminder', 'task.reminder'),
  lsq(9, 'Lead score change', 'lead.score_changed'),
  lsq(15, 'Lead activity update', 'lead.activity_updated'),
  lsq(16, 'Tasks complete', 'task.completed'),
  lsq(17, 'Task update', 'task.updated'),
  lsq(26, 'Lead field update', 'lead.field_updated'),
  lsq(31, 'Opportunity Create', 'opportunity.created'),
  lsq(32, 'Opportunity Update', 'opportunity.updated'),
  lsq(33, 'Opportunity Field Update', 'opportunity.field_updated'),
  lsq(34, 'Opportunity Stage Update', 'opportunity.stage_changed'),
  lsq(35, 'Opportunity Delete', 'opportunity.deleted'),
]);

/** The code of a landing page submission, whose webhooks may be limited to given pages. */
export const LEADSQUARED_LANDING_PAGE_CODE = 1;

const byCode = new Map(LEADSQUARED_EVENT_CODES.map((e) => [e.code, e]));

/** The mapping of a LeadSquared `WebhookEvent` (`"1"` or `1`), or undefined for a code it does not have. */
export function leadSquaredEvent(code: string | number): LeadSquaredEventCode | undefined {
  const n = typeof code === 'number' ? code : /^\s*\d{1,3}\s*$/.test(code) ? Number(code) : Number.NaN;
  return byCode.get(n);
}
