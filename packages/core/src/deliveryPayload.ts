import { signWebhook } from './signing.ts';

/** The content types a webhook may deliver in. */
export const CONTENT_TYPES = ['application/json', 'application/x-www-form-urlencoded', 'text/plain'] as const;
export type ContentType = (typeof CONTENT_TYPES)[number];

/** The methods a webhook may deliver with. */
export const METHODS = ['POST', 'PUT', 'PATCH'] as const;
export type WebhookMethod = (typeof METHODS)[number];

/** The body every delivery carries: `{ type, timestamp, data }`. */
export interface DeliveryPayload {
  type: string;
  timestamp: string;
  data: unknown;
}

// `data[owner][email]=…`, `data[tags][0]=…`: the bracket form most form parsers (PHP, Rails, qs) rebuild.
function flatten(prefix: string, value: unknown, out: URLSearchParams): void {
  if (value === null || value === undefined) {
    out.append(prefix, '');
  } else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) flatten(`${prefix}[${i}]`, v, out);
  } else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(`${prefix}[${k}]`, v, out);
  } else {
    out.append(prefix, String(value));
  }
}

/** Serializes a payload for a content type: JSON for JSON and text, bracket-flattened fields for forms. */
export function encodePayload(payload: DeliveryPayload, contentType: string): string {
  if (contentType !== 'application/x-www-form-urlencoded') return JSON.stringify(payload);
  const form = new URLSearchParams();
  form.append('type', payload.type);
  form.append('timestamp', payload.timestamp);
  if (payload.data && typeof payload.data === 'object') {
    for (const [k, v] of Object.entries(payload.data)) flatten(`data[${k}]`, v, form);
  }
  return form.toString();
}

/** What one attempt sends. */
export interface SignedRequest {
  method: WebhookMethod;
  url: string;
  headers: Record<string, string>;
  body: string;
}

/**
 * Builds one attempt: the custom headers first, then ours (content type and the Standard Webhooks signature, which
 * custom headers can never override: creation refuses those names). The message id is the delivery id, the same on
 * every retry, so receivers can deduplicate.
 */
export function buildSignedRequest(opts: {
  deliveryId: string;
  url: string;
  method: string;
  contentType: string;
  customHeaders: Record<string, string>;
  payload: DeliveryPayload;
  secrets: string[];
  now: Date;
}): SignedRequest {
  const body = encodePayload(opts.payload, opts.contentType);
  const signature = signWebhook({ id: opts.deliveryId, timestamp: opts.now, body, secrets: opts.secrets });
  const contentType = opts.contentType === 'text/plain' ? 'text/plain; charset=utf-8' : opts.contentType;
  return {
    method: opts.method as WebhookMethod,
    url: opts.url,
    headers: { ...opts.customHeaders, 'content-type': contentType, ...signature },
    body,
  };
}

/** Request headers as logged on an attempt: custom header values may be credentials, so only their names stay. */
export function loggableHeaders(
  req: SignedRequest,
  customHeaders: Record<string, string>,
): Record<string, string> {
  const custom = new Set(Object.keys(customHeaders));
  return Object.fromEntries(
    Object.entries(req.headers).map(([k, v]) => [k, custom.has(k) ? '[redacted]' : v]),
  );
}
