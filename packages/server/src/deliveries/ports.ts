import type { ServerDeps } from '../deps.ts';

// The secret box is built into ServerDeps by `createServerDeps`; webhooks use it through this structural view.

/** Seals and opens secrets at rest. */
export interface SecretBoxLike {
  seal(plain: string): string;
  open(sealed: string): string;
}

/** The secret box of a process. */
export function secretBoxOf(deps: ServerDeps): SecretBoxLike {
  const box = (deps as { secretBox?: SecretBoxLike }).secretBox;
  if (!box) throw new Error('ServerDeps.secretBox is not configured');
  return box;
}
