import type pg from 'pg';
import type { Scope } from '../apiKeys/scopes.ts';
import type { PortalFeature } from '../db/entities/index.ts';
import { runOne } from '../db/statement.ts';
import { notFound } from '../errors.ts';
import { OWNS_DELIVERY, OWNS_EXECUTION, OWNS_WEBHOOK } from './sql.ts';

/**
 * How a procedure a portal session may call is confined to the session's user:
 * - `user_key`: its input names a user (workflows, executions lists, webhook lists and creation); the session's user
 *   is written into it, so the service scopes by it exactly as for an API key that sent that `user_key`;
 * - `owned`: it addresses one object by `id`, which must belong to the user (else 404, as if it did not exist);
 * - `session`: a procedure of the portal itself, which reads the user from the session.
 */
export type SessionRule =
  | { kind: 'user_key' }
  | { kind: 'owned'; of: 'execution' | 'webhook' | 'delivery' }
  | { kind: 'session' };

const userKey: SessionRule = { kind: 'user_key' };
const owned = (of: 'execution' | 'webhook' | 'delivery'): SessionRule => ({ kind: 'owned', of });
const session: SessionRule = { kind: 'session' };

/**
 * Every procedure a portal session may call. Anything else (API keys, connections, the account, users, events,
 * routes added later) answers 403 to a session: this list is the whole of what a session can reach.
 */
export const SESSION_PROCEDURES: Readonly<Record<string, SessionRule>> = {
  'workflows.list': userKey,
  'workflows.get': userKey,
  'workflows.create': userKey,
  'workflows.update': userKey,
  'workflows.delete': userKey,
  'workflows.publish': userKey,
  'workflows.clone': userKey,
  'trigger.execute': userKey,
  'executions.list': userKey,
  'executions.get': owned('execution'),
  'executions.stop': owned('execution'),
  'executions.start': owned('execution'),
  'executions.rerun': owned('execution'),
  'webhooks.list': userKey,
  'webhooks.create': userKey,
  'webhooks.get': owned('webhook'),
  'webhooks.update': owned('webhook'),
  'webhooks.delete': owned('webhook'),
  'webhooks.rotateSecret': owned('webhook'),
  'webhooks.test': owned('webhook'),
  'deliveries.list': owned('webhook'),
  'deliveries.recover': owned('webhook'),
  'deliveries.get': owned('delivery'),
  'deliveries.retry': owned('delivery'),
  'portal.session': session,
  'portal.logout': session,
  'portal.eventTypes': session,
  'portal.eventFields': session,
};

const OWNERSHIP = { execution: OWNS_EXECUTION, webhook: OWNS_WEBHOOK, delivery: OWNS_DELIVERY } as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NOUN = { execution: 'Execution', webhook: 'Webhook', delivery: 'Delivery' } as const;

/**
 * 404 unless the object `id` names belongs to the user. An id that is not a UUID is left to the procedure's own
 * input validation (400), which runs before anything is read or changed.
 */
export async function assertOwned(
  pool: pg.Pool,
  of: 'execution' | 'webhook' | 'delivery',
  id: unknown,
  accountId: string,
  userKey: string,
): Promise<void> {
  if (typeof id !== 'string' || !UUID.test(id)) return;
  if (!(await runOne(pool, OWNERSHIP[of], [id, accountId, userKey]))) throw notFound(`${NOUN[of]} ${id}`);
}

/** The scopes a session's features grant; never `admin`, `users:*` or `events:*`. */
export function scopesOfFeatures(features: readonly string[]): Scope[] {
  const write = !features.includes('read_only' satisfies PortalFeature);
  const scopes: Scope[] = [];
  if (features.includes('workflows' satisfies PortalFeature)) {
    scopes.push('workflows:read', 'executions:read');
    if (write) scopes.push('workflows:write', 'executions:write');
  }
  if (features.includes('webhooks' satisfies PortalFeature)) {
    scopes.push('webhooks:read');
    if (write) scopes.push('webhooks:write');
  }
  return scopes;
}
