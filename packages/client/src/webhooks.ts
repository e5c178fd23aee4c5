import {
  verifyWebhook as verifySignature,
  WebhookVerificationError,
  type WebhookVerificationReason,
} from '@switchyard/core/signing';
import type { WebhookEvent } from './eventTypes.ts';

export { WebhookVerificationError, type WebhookVerificationReason };

/** Request headers as Node (`IncomingHttpHeaders`), Express or Fetch (`Headers`) give them. */
export type HeadersLike = Headers | Record<string, string | string[] | undefined>;

/** Options of the verify functions. */
export interface VerifyWebhookOptions {
  /** Allowed clock difference either way, in seconds (default 300, as Standard Webhooks suggests). */
  toleranceSeconds?: number;
  /** The receiver's clock (default: now). */
  now?: Date;
}

/** A delivery that passed verification: its message id (use it to drop duplicates), timestamp and event. */
export interface VerifiedWebhook<E> {
  id: string;
  /** The signing time, Unix seconds. */
  timestamp: number;
  event: E;
}

/** Signing secrets: one, or several while a secret rotates (the old one stays valid for 24 h). */
export type WebhookSecrets = string | readonly string[];

function headerRecord(headers: HeadersLike): Record<string, string | string[] | undefined> {
  if (typeof (headers as Headers).get === 'function' && typeof (headers as Headers).forEach === 'function') {
    const out: Record<string, string> = {};
    (headers as Headers).forEach((value, key) => {
      out[key] = value;
    });
    return out;
  }
  return headers as Record<string, string | string[] | undefined>;
}

/**
 * Checks a delivery's Standard Webhooks signature and freshness only, whatever its content type; throws
 * `WebhookVerificationError` (with a `reason`) when it is not authentic or older than the tolerance.
 */
export function verifyWebhookSignature(
  rawBody: string | Uint8Array,
  headers: HeadersLike,
  secrets: WebhookSecrets,
  opts: VerifyWebhookOptions = {},
): { id: string; timestamp: number } {
  return verifySignature(rawBody, headerRecord(headers), secrets, {
    now: opts.now ?? new Date(),
    toleranceSeconds: opts.toleranceSeconds,
  });
}

/**
 * Verifies a JSON delivery and returns its parsed event. `rawBody` must be the exact bytes received (not a
 * re-serialized object); `secrets` may hold several during a rotation. Throws `WebhookVerificationError` when the
 * signature or timestamp is wrong, and a `TypeError` when an authentic body is not a JSON event.
 */
export function verifyWebhook<E extends { type: string } = WebhookEvent>(
  rawBody: string | Uint8Array,
  headers: HeadersLike,
  secrets: WebhookSecrets,
  opts: VerifyWebhookOptions = {},
): VerifiedWebhook<E> {
  const { id, timestamp } = verifyWebhookSignature(rawBody, headers, secrets, opts);
  const text = typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody);
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch {
    throw new TypeError('The webhook body is not JSON: use verifyWebhookSignature for other content types');
  }
  if (!event || typeof event !== 'object' || typeof (event as { type?: unknown }).type !== 'string') {
    throw new TypeError('The webhook body is not an event: it has no "type"');
  }
  return { id, timestamp, event: event as E };
}

/** A Node `http.IncomingMessage` (or an Express request, which is one): headers plus the body stream. */
export interface NodeRequestLike extends AsyncIterable<unknown> {
  headers: Record<string, string | string[] | undefined>;
  /** Set by body-parsing middleware (Express `express.raw()` gives a Buffer, `express.text()` a string). */
  body?: unknown;
}

/** Largest body the Node adapter reads (1 MiB): a receiver should not buffer without bound. */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

/** Reads a Node request's body to its exact bytes, refusing more than `maxBytes`. */
export async function readRawBody(
  req: AsyncIterable<unknown>,
  maxBytes = MAX_WEBHOOK_BODY_BYTES,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of req) {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : (chunk as Uint8Array);
    size += bytes.length;
    if (size > maxBytes) throw new RangeError(`The webhook body is larger than ${maxBytes} bytes`);
    chunks.push(bytes);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Express-style: verifies a request whose raw body a middleware already read into `req.body` (a Buffer from
 * `express.raw({ type: '*\/*' })`, or a string). A parsed object is refused: its bytes can no longer be checked.
 */
export function verifyExpressRequest<E extends { type: string } = WebhookEvent>(
  req: { headers: Record<string, string | string[] | undefined>; body?: unknown },
  secrets: WebhookSecrets,
  opts: VerifyWebhookOptions = {},
): VerifiedWebhook<E> {
  const body = req.body;
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) {
    throw new TypeError(
      'req.body must be the raw body (a Buffer or string): mount express.raw({ type: "*/*" }) on the webhook route, ' +
        'not express.json()',
    );
  }
  return verifyWebhook<E>(body, req.headers, secrets, opts);
}

/**
 * Node `http`: reads the request body (or takes `req.body` when a middleware already read it raw) and verifies it.
 */
export async function verifyNodeRequest<E extends { type: string } = WebhookEvent>(
  req: NodeRequestLike,
  secrets: WebhookSecrets,
  opts: VerifyWebhookOptions & { maxBytes?: number } = {},
): Promise<VerifiedWebhook<E>> {
  // A middleware consumed the stream already: its raw body (or a clear error for a parsed one) is all there is.
  if (req.body !== undefined) return verifyExpressRequest<E>(req, secrets, opts);
  return verifyWebhook<E>(await readRawBody(req, opts.maxBytes), req.headers, secrets, opts);
}

/** Fetch API (`Request`: Next.js route handlers, Hono, Bun, Deno, Workers): verifies the request's exact bytes. */
export async function verifyFetchRequest<E extends { type: string } = WebhookEvent>(
  request: Request,
  secrets: WebhookSecrets,
  opts: VerifyWebhookOptions = {},
): Promise<VerifiedWebhook<E>> {
  const body = new Uint8Array(await request.arrayBuffer());
  return verifyWebhook<E>(body, request.headers, secrets, opts);
}
