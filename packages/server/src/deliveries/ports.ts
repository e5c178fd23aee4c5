import type { ServerDeps } from '../deps.ts';

// The outbound HTTP client and the secret box are built by another module into ServerDeps (contracts.md
// "Outbound HTTP", "Secrets at rest"). Webhooks use them only through these structural views, so this module
// compiles and is tested against the contract itself, whichever lands first.

/** One request through the SSRF-guarded client. */
export interface OutboundRequestLike {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
}

/** What the client answers: any status resolves. */
export interface OutboundResponseLike {
  status: number;
  headers: Record<string, string>;
  body: string;
  truncated: boolean;
  durationMs: number;
}

/** The SSRF-guarded client. */
export interface OutboundLike {
  send(req: OutboundRequestLike): Promise<OutboundResponseLike>;
  checkUrl(url: string, opts?: { resolveNames?: boolean }): Promise<void>;
}

/** No response at all (refused address, DNS, timeout, connection). */
export interface OutboundErrorLike extends Error {
  code: string;
  retriable: boolean;
  durationMs: number;
}

/** Seals and opens secrets at rest. */
export interface SecretBoxLike {
  seal(plain: string): string;
  open(sealed: string): string;
}

/** The outbound client of a process. */
export function outboundOf(deps: ServerDeps): OutboundLike {
  const o = (deps as { outbound?: OutboundLike }).outbound;
  if (!o) throw new Error('ServerDeps.outbound is not configured');
  return o;
}

/** The secret box of a process. */
export function secretBoxOf(deps: ServerDeps): SecretBoxLike {
  const box = (deps as { secretBox?: SecretBoxLike }).secretBox;
  if (!box) throw new Error('ServerDeps.secretBox is not configured');
  return box;
}

/** Whether a send failed without any response (an OutboundError). */
export function isOutboundError(err: unknown): err is OutboundErrorLike {
  return (
    err instanceof Error &&
    typeof (err as OutboundErrorLike).code === 'string' &&
    typeof (err as OutboundErrorLike).retriable === 'boolean'
  );
}
