// A webhook receiver as a host app writes one; the README's "Verify webhook deliveries" snippet is the region below.
// examples/receiver.test.ts runs it with deliveries signed the way Switchyard signs them.
// examples/app.ts runs the same verification against real deliveries from the server and worker.
import http from 'node:http';
import {
  type VerifiedWebhook,
  verifyNodeRequest,
  type WebhookEvent,
  WebhookVerificationError,
} from '@switchyard/client';

/** Starts a receiver on `port` (0 = any) that verifies each delivery and hands its event to `onEvent`. */
export function startReceiver(
  secret: string | string[],
  onEvent: (event: WebhookEvent, id: string) => void,
  port = 0,
) {
  // #region verify-webhooks
  const seen = new Set<string>();
  const server = http.createServer(async (req, res) => {
    let delivery: VerifiedWebhook<WebhookEvent>;
    try {
      // Checks the signature over the exact body bytes and the timestamp (5 minutes either way).
      delivery = await verifyNodeRequest(req, secret);
    } catch (err) {
      // e.g. invalid_signature, timestamp_too_old; or a body that is not a JSON event.
      res.writeHead(400).end(err instanceof WebhookVerificationError ? err.reason : 'bad_request');
      return;
    }
    // Deliveries are retried until answered 2xx: the message id makes handling them idempotent.
    if (!seen.has(delivery.id)) {
      seen.add(delivery.id);
      onEvent(delivery.event, delivery.id);
    }
    res.writeHead(204).end();
  });
  server.listen(port);
  // #endregion
  return server;
}
