/**
 * embed.js: mounts the portal in a host page.
 *
 *   <div id="automations"></div>
 *   <script src="https://switchyard.example.com/portal/embed.js"></script>
 *   <script>
 *     Switchyard.mount({ element: '#automations', url: SESSION_URL, onEvent: (e) => console.log(e.type, e.data) });
 *   </script>
 *
 * or, with no code: `<script src=".../portal/embed.js" data-target="#automations" data-url="SESSION_URL"></script>`.
 * `SESSION_URL` is the `url` of `POST /v1/portal/sessions`, minted by the host's backend for the signed-in user. The
 * page's origin must be listed in the server's PORTAL_ALLOWED_ORIGINS (its frame-ancestors).
 */

/** An event the portal sends: `workflow.saved`, `workflow.published` or `session.expired`. */
export interface PortalEvent {
  type: 'workflow.saved' | 'workflow.published' | 'session.expired';
  data: Record<string, unknown>;
}

/** Options of {@link mount}. */
export interface MountOptions {
  /** The element to fill, or a selector for it. */
  element: string | HTMLElement;
  /** The session link from `POST /v1/portal/sessions` (single use). */
  url: string;
  /** The colour scheme (default: the visitor's system setting). */
  theme?: 'light' | 'dark' | 'auto';
  /** The frame's height (default 720px); its width is the element's. */
  height?: string;
  /** The frame's accessible title. */
  title?: string;
  /** Called for every event the portal sends. */
  onEvent?: (event: PortalEvent) => void;
  /**
   * The account's publishable key (pk_live_… / pk_test_…). It is passed to the portal, which sends it with the
   * link's exchange: the server then trades only a link minted for that key's account (a link of another account,
   * or of the other environment, opens the "link not valid" screen).
   */
  publishableKey?: string;
}

/** A mounted portal. */
export interface MountedPortal {
  iframe: HTMLIFrameElement;
  unmount(): void;
}

function target(element: string | HTMLElement): HTMLElement {
  const el = typeof element === 'string' ? document.querySelector<HTMLElement>(element) : element;
  if (!el) throw new Error(`Switchyard.mount: no element ${String(element)}`);
  return el;
}

/** Mounts the portal in `element` as an iframe of the session link, and relays its events to the page. */
function mount(options: MountOptions): MountedPortal {
  const container = target(options.element);
  const src = new URL(options.url, document.baseURI);
  // Tells the portal where to post its events; it posts only to an origin the server allows.
  src.searchParams.set('origin', window.location.origin);
  if (options.theme) src.searchParams.set('theme', options.theme);
  if (options.publishableKey) src.searchParams.set('pk', options.publishableKey);
  const iframe = document.createElement('iframe');
  iframe.src = src.toString();
  iframe.title = options.title ?? 'Automations';
  iframe.allow = 'clipboard-write';
  iframe.style.cssText = `border:0;width:100%;height:${options.height ?? '720px'};display:block`;
  const onMessage = (e: MessageEvent) => {
    if (e.source !== iframe.contentWindow || e.origin !== src.origin) return;
    const msg = e.data as { source?: string; type?: PortalEvent['type']; data?: Record<string, unknown> };
    if (msg?.source !== 'switchyard-portal' || !msg.type) return;
    const event: PortalEvent = { type: msg.type, data: msg.data ?? {} };
    options.onEvent?.(event);
    container.dispatchEvent(
      new CustomEvent(`switchyard:${event.type}`, { detail: event.data, bubbles: true }),
    );
  };
  window.addEventListener('message', onMessage);
  container.replaceChildren(iframe);
  return {
    iframe,
    unmount() {
      window.removeEventListener('message', onMessage);
      iframe.remove();
    },
  };
}

declare global {
  interface Window {
    Switchyard?: { mount: typeof mount };
  }
}

window.Switchyard = { mount };

// Declarative use: the script tag names its target and link.
const script = document.currentScript as HTMLScriptElement | null;
if (script?.dataset.target && script.dataset.url) {
  const { target: element, url, theme, height, publishableKey } = script.dataset;
  const go = () => mount({ element, url, theme: theme as MountOptions['theme'], height, publishableKey });
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', go, { once: true });
  else go();
}
