/** What the portal tells the page that embeds it. */
export type HostEventType = 'workflow.saved' | 'workflow.published' | 'session.expired';

let allowed: readonly string[] = [];

/** The embedding page's origin: as embed.js passed it, else the frame's referrer. */
function askedOrigin(): string | null {
  const fromEmbed = new URLSearchParams(window.location.search).get('origin');
  if (fromEmbed) return fromEmbed;
  try {
    return document.referrer ? new URL(document.referrer).origin : null;
  } catch {
    return null;
  }
}

/** Sets the origins the portal may talk to (the session's PORTAL_ALLOWED_ORIGINS). */
export function configureHost(allowedOrigins: readonly string[]): void {
  allowed = allowedOrigins;
}

/**
 * Posts `{ source: 'switchyard-portal', type, data }` to the embedding page, and only to an allowed origin (the
 * browser's frame-ancestors check already keeps other pages from framing the portal). `session.expired` carries no
 * data of the user, so it is also sent before the allowed origins are known.
 */
export function notifyHost(type: HostEventType, data: Record<string, unknown> = {}): void {
  if (window.parent === window) return;
  const origin = askedOrigin();
  if (!origin) return;
  const permitted =
    origin === window.location.origin || allowed.includes(origin) || type === 'session.expired';
  if (!permitted) return;
  window.parent.postMessage({ source: 'switchyard-portal', version: 1, type, data }, origin);
}
