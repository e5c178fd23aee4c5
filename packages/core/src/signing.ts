// node:crypto is the one Node import in core: HMAC-SHA256 and timingSafeEqual are deterministic and do no I/O, so core
// stays pure. WebCrypto would make signing async for every caller; the client package targets Node too.
import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
import { InvalidInputError } from './errors.ts';

/**
 * Standard Webhooks (https://www.standardwebhooks.com): headers `webhook-id`, `webhook-timestamp` (Unix seconds) and
 * `webhook-signature` (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, space-separated when several secrets sign
 * during a rotation); secrets are `whsec_<base64>`.
 */

/** The prefix of every signing secret. */
export const SECRET_PREFIX = 'whsec_';
/** Fewest random bytes a new secret may have. */
export const MIN_SECRET_BYTES = 24;
/** Default allowed clock difference, either way, in seconds. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** The three signature headers, lower-case as the spec names them. */
// A type alias, not an interface, so it is assignable to a plain header record.
export type WebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/** Why a delivery did not verify. */
export type WebhookVerificationReason =
  | 'missing_headers'
  | 'invalid_timestamp'
  | 'timestamp_too_old'
  | 'timestamp_too_new'
  | 'invalid_signature';

/** Thrown by `verifyWebhook` when a delivery is not authentic or not fresh. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
  readonly reason: WebhookVerificationReason;
  constructor(reason: WebhookVerificationReason, message: string) {
    super(message);
    this.reason = reason;
  }
}

/** Makes a `whsec_` secret from random bytes the caller generated (core has no randomness). */
export function secretFromBytes(bytes: Uint8Array): string {
  if (bytes.length < MIN_SECRET_BYTES) {
    throw new InvalidInputError(`a signing secret needs at least ${MIN_SECRET_BYTES} random bytes`);
  }
  return SECRET_PREFIX + Buffer.from(bytes).toString('base64');
}

/** The key bytes of a secret (`whsec_` prefix optional, as receivers' libraries accept both). */
export function secretKey(secret: string): Buffer {
  const b64 = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  if (b64 === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64))
    throw new InvalidInputError('a signing secret must be base64');
  return Buffer.from(b64, 'base64');
}

// The key goes in as a KeyObject: Node 24 takes about 10 µs to start an HMAC on a raw Buffer key and about 3 µs
// to wrap the same bytes in a KeyObject and start it on that (measured on this project's 2-core machines).
function hmac(secret: string, id: string, timestamp: string, body: string | Uint8Array): Buffer {
  const mac = createHmac('sha256', createSecretKey(secretKey(secret)));
  mac.update(`${id}.${timestamp}.`);
  mac.update(body);
  return mac.digest();
}

function toSeconds(timestamp: number | Date): number {
  return typeof timestamp === 'number' ? Math.floor(timestamp) : Math.floor(timestamp.getTime() / 1000);
}

/** What to sign: the message id, when (Date or Unix seconds), the exact body bytes and every active secret. */
export interface SignInput {
  id: string;
  timestamp: number | Date;
  body: string | Uint8Array;
  secrets: readonly string[];
}

/** Signs a delivery; with several secrets (rotation) the signature header carries one `v1,` signature per secret. */
export function signWebhook(input: SignInput): WebhookHeaders {
  if (input.secrets.length === 0) throw new InvalidInputError('at least one signing secret is required');
  const ts = String(toSeconds(input.timestamp));
  const signatures = input.secrets.map((s) => `v1,${hmac(s, input.id, ts, input.body).toString('base64')}`);
  return { 'webhook-id': input.id, 'webhook-timestamp': ts, 'webhook-signature': signatures.join(' ') };
}

/** Options of `verifyWebhook`: the receiver's clock and the allowed difference. */
export interface VerifyOptions {
  now: Date;
  toleranceSeconds?: number;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === name) return Array.isArray(v) ? v.join(' ') : v;
  }
  return undefined;
}

/**
 * Verifies a delivery against one or more secrets: throws `WebhookVerificationError` when a header is missing, the
 * timestamp is more than `toleranceSeconds` away from `now` in either direction, or no `v1` signature matches.
 */
export function verifyWebhook(
  body: string | Uint8Array,
  headers: Record<string, string | string[] | undefined>,
  secrets: string | readonly string[],
  opts: VerifyOptions,
): { id: string; timestamp: number } {
  const id = header(headers, 'webhook-id');
  const ts = header(headers, 'webhook-timestamp');
  const sig = header(headers, 'webhook-signature');
  if (!id || !ts || !sig)
    throw new WebhookVerificationError('missing_headers', 'missing webhook signature headers');
  if (!/^\d{1,15}$/.test(ts))
    throw new WebhookVerificationError('invalid_timestamp', 'invalid webhook-timestamp');
  const timestamp = Number(ts);
  const tolerance = opts.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const now = Math.floor(opts.now.getTime() / 1000);
  if (now - timestamp > tolerance)
    throw new WebhookVerificationError('timestamp_too_old', 'webhook timestamp too old');
  if (timestamp - now > tolerance)
    throw new WebhookVerificationError('timestamp_too_new', 'webhook timestamp too new');

  const given: Buffer[] = [];
  for (const part of sig.split(' ')) {
    const comma = part.indexOf(',');
    if (comma < 0 || part.slice(0, comma) !== 'v1') continue;
    given.push(Buffer.from(part.slice(comma + 1), 'base64'));
  }
  for (const secret of typeof secrets === 'string' ? [secrets] : secrets) {
    const expected = hmac(secret, id, ts, body);
    if (given.some((g) => g.length === expected.length && timingSafeEqual(g, expected)))
      return { id, timestamp };
  }
  throw new WebhookVerificationError('invalid_signature', 'no matching webhook signature');
}
