import { useSyncExternalStore } from 'react';

/** Why a session can no longer be used; each has its own screen. */
export type EndReason = 'expired' | 'revoked' | 'used' | 'invalid' | 'missing' | 'logged_out';

/** Where the portal's session stands. */
export type SessionState =
  | { status: 'starting' }
  | { status: 'ready'; token: string }
  | { status: 'ended'; reason: EndReason };

const STORAGE_KEY = 'switchyard.portal.token';

let state: SessionState = { status: 'starting' };
let token: string | undefined;
const listeners = new Set<() => void>();
const endListeners = new Set<(reason: EndReason) => void>();

function set(next: SessionState) {
  state = next;
  for (const l of listeners) l();
}

function storage(): Storage | null {
  // A sandboxed or storage-partitioned frame may refuse storage: the session then lasts until a reload.
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/** The portal's session: its token, its state, and the way it ends. */
export const sessionStore = {
  get: (): SessionState => state,
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  token: (): string | undefined => token,
  /** Uses `t` from now on (kept for reloads of this tab only). */
  use(t: string): void {
    token = t;
    storage()?.setItem(STORAGE_KEY, t);
  },
  stored: (): string | undefined => storage()?.getItem(STORAGE_KEY) ?? undefined,
  ready(): void {
    if (token) set({ status: 'ready', token });
  },
  /** Ends the session for `reason` (once): the token is forgotten and every `onEnd` listener runs. */
  end(reason: EndReason): void {
    if (state.status === 'ended') return;
    token = undefined;
    storage()?.removeItem(STORAGE_KEY);
    set({ status: 'ended', reason });
    for (const l of endListeners) l(reason);
  },
  onEnd(listener: (reason: EndReason) => void): () => void {
    endListeners.add(listener);
    return () => endListeners.delete(listener);
  },
};

/** The session state, re-rendering when it changes. */
export function useSession(): SessionState {
  return useSyncExternalStore(sessionStore.subscribe, sessionStore.get);
}
