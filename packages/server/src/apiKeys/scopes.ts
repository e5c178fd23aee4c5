import { z } from 'zod';

/** Every permission an API key can hold. `admin` holds them all and also manages API keys and connections. */
export const SCOPES = [
  'workflows:read',
  'workflows:write',
  'webhooks:read',
  'webhooks:write',
  'events:write',
  'executions:read',
  'executions:write',
  'users:read',
  'users:write',
  'admin',
] as const;

/** One permission. */
export const Scope = z.enum(SCOPES);
export type Scope = z.infer<typeof Scope>;

/** Whether a key holding `held` may do what needs `needed`. */
export function hasScope(held: readonly string[], needed: Scope): boolean {
  return held.includes('admin') || held.includes(needed);
}
