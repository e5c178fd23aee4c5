import type { OutboundLike } from '../deliveries/ports.ts';

const TOKEN = /\{\{[^}]*\}\}/g;

/**
 * Why an outbound URL may not be saved (a webhook's, a Webhook node's or seed 000 rule's, a connection's), or null:
 * the guard the client applies when it calls, run at save time, as one sentence without the URL's credentials.
 *
 * Merge tokens (`{{…}}`) are known only when a step runs: a URL that starts with one is left to that check, and in
 * any other the tokens stand as plain text, so the scheme, credentials and a literal or `localhost` host are still
 * refused now. `resolveNames: false` leaves other host names to each call (see `OutboundClient.checkUrl`).
 */
export async function outboundUrlRefusal(
  outbound: OutboundLike,
  url: string,
  opts: { resolveNames?: boolean } = {},
): Promise<string | null> {
  if (url.trimStart().startsWith('{{')) return null;
  try {
    await outbound.checkUrl(url.replace(TOKEN, 'x'), opts);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
