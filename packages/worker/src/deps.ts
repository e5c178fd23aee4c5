import type { ActionRegistry } from '@switchyard/core';
import type { ServerDeps } from '@switchyard/server/db';
import type { ActionProvider } from './actions/provider.ts';
import type { Mailer } from './mail/mailer.ts';
import type { OutboundClient } from './outbound/client.ts';

/**
 * What every task of a worker process shares: the persistence layer's services (ORM, pool, secret box, logger —
 * built by the same `createServerDeps`, so a task and an API call see one configuration), plus what only a worker
 * has: the SSRF-guarded outbound client, the system mailer and the action providers that run steps.
 */
export interface WorkerDeps extends Omit<ServerDeps, 'actions'> {
  /** Workflow action providers: built-ins plus any the host registered. */
  actions: ActionRegistry<ActionProvider>;
  /** The SSRF-guarded HTTP client for every call out (deliveries, Webhook nodes, chat and host actions). */
  outbound: OutboundClient;
  /** The system mailer (SMTP_URL) for notices to accounts; null when none is configured. */
  mailer: Mailer | null;
}

/** The API's view of a worker's deps (its providers are action definitions), for the domain writes a task makes. */
export function asServerDeps(deps: WorkerDeps): ServerDeps {
  return deps;
}
