import dns from 'node:dns';
import net from 'node:net';
import type { Readable } from 'node:stream';
import { AddressGuard, bareHost, isLocalhostName, redactUrl } from '@switchyard/core';
import { Agent } from 'undici';

/** A response body is kept up to this many bytes; the rest is not read. */
export const MAX_RESPONSE_BYTES = 20 * 1024;

/**
 * The `User-Agent` of every request Switchyard makes (deliveries, Webhook nodes, chat and host actions), documented
 * in the README so receivers can recognise it. No other header is added but `host`, `content-length` and what the
 * caller sets: no browser headers (`sec-fetch-mode`, `accept-language`), which a fetch implementation would add.
 */
export const USER_AGENT = 'Switchyard/0.1 (+https://github.com/switchyard)';

/** One request through the guarded client. */
export interface OutboundRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** The whole exchange (connect, headers and the kept part of the body); the client's default otherwise. */
  timeoutMs?: number;
  /** Cancels the request (e.g. on shutdown); it then fails with code `aborted`. */
  signal?: AbortSignal;
}

/** Any response, whatever its status: a 3xx is a response too (redirects are never followed). */
export interface OutboundResponse {
  status: number;
  headers: Record<string, string>;
  /** The body as text, cut at {@link MAX_RESPONSE_BYTES}. */
  body: string;
  truncated: boolean;
  durationMs: number;
}

/** Why no response came back. */
export type OutboundErrorCode =
  | 'invalid_url'
  | 'blocked_address'
  | 'dns_error'
  | 'connection_error'
  | 'tls_error'
  | 'timeout'
  | 'aborted';

/** A request that got no response. `retriable` says whether trying again later may help. */
export class OutboundError extends Error {
  override readonly name = 'OutboundError';
  readonly code: OutboundErrorCode;
  readonly retriable: boolean;
  durationMs: number;

  constructor(code: OutboundErrorCode, message: string, opts: { durationMs?: number; cause?: unknown } = {}) {
    super(message, { cause: opts.cause });
    this.code = code;
    this.retriable = code !== 'invalid_url' && code !== 'blocked_address';
    this.durationMs = opts.durationMs ?? 0;
  }
}

/** How the client is set up; `createOutbound` reads it from the environment. */
export interface OutboundOptions {
  /** Allow plain `http://` (HTTPS only otherwise). */
  allowHttp: boolean;
  /** Host names, IPs or CIDR ranges exempt from the private-address guard. */
  allowlist: readonly string[];
  /** Timeout of a request that sets none. */
  defaultTimeoutMs: number;
  /** Name resolution; node's `dns.lookup` unless a test swaps it. */
  resolve?: (hostname: string) => Promise<{ address: string; family: number }[]>;
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | { address: string; family: number }[],
  family?: number,
) => void;

/**
 * The one way Switchyard calls out (webhook deliveries, Webhook nodes, chat and host actions): undici's own request
 * API over an Agent whose DNS lookup checks every address a name resolves to, so the socket can only connect to a
 * checked address (no DNS rebinding between check and connect). Literal IPs are checked before connecting,
 * redirects are returned rather than followed, and bodies are read up to 20 KB. A body is sent whole with its
 * `Content-Length`, never chunked: receivers that read exactly Content-Length bytes (Python's http.server, many
 * frameworks) get all of it.
 */
export class OutboundClient {
  readonly #opts: OutboundOptions;
  readonly #guard: AddressGuard;
  readonly #agent: Agent;
  readonly #resolve: NonNullable<OutboundOptions['resolve']>;

  constructor(opts: OutboundOptions) {
    this.#opts = opts;
    this.#guard = new AddressGuard(opts.allowlist);
    this.#resolve = opts.resolve ?? ((host) => dns.promises.lookup(host, { all: true, verbatim: true }));
    this.#agent = new Agent({
      connect: {
        lookup: (hostname, options, cb) => void this.#lookup(hostname, options, cb as LookupCallback),
      },
      keepAliveTimeout: 4_000,
    });
  }

  /**
   * The save-time guard every outbound URL passes (webhooks, Webhook nodes, seed 000 rules, connections), the same
   * rules the client applies when it calls: an {@link OutboundError} `invalid_url` (malformed, scheme, credentials),
   * `blocked_address` (a non-public address, `localhost` names included) or `dns_error`. With `resolveNames: false`
   * a host name is not looked up (a workflow may be saved before its host exists; it is resolved at each call).
   */
  async checkUrl(url: string, opts: { resolveNames?: boolean } = {}): Promise<void> {
    const parsed = this.#parse(url);
    const host = bareHost(parsed.hostname);
    if (this.#guard.allowsHost(host)) return;
    if (net.isIP(host)) return this.#checkAddress(host, host);
    if (opts.resolveNames === false && !isLocalhostName(host)) return;
    await this.#addressesOf(host);
  }

  /**
   * Resolves `host` for a connection made outside this client (SMTP) and returns an address that passed the guard,
   * to connect to instead of the name (so DNS cannot change between the check and the connection). Throws an
   * OutboundError `blocked_address` or `dns_error`.
   */
  async resolveChecked(host: string): Promise<string> {
    const bare = bareHost(host);
    if (net.isIP(bare)) {
      if (!this.#guard.allowsHost(bare)) this.#checkAddress(bare, bare);
      return bare;
    }
    const [first] = await this.#addressesOf(bare);
    return (first as { address: string }).address;
  }

  async send(req: OutboundRequest): Promise<OutboundResponse> {
    const t0 = performance.now();
    const elapsed = () => performance.now() - t0;
    const timeoutMs = req.timeoutMs ?? this.#opts.defaultTimeoutMs;
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new OutboundError('timeout', `no response within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onAbort = () => controller.abort(new OutboundError('aborted', 'the request was cancelled'));
    req.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const url = this.#parse(req.url);
      const host = bareHost(url.hostname);
      // Names are checked by the agent's lookup at connect time; a literal IP is never looked up, so check it here.
      if (net.isIP(host) && !this.#guard.allowsHost(host)) this.#checkAddress(host, host);
      // The body is a string: undici sends it with its Content-Length. Redirects are not followed (no interceptor).
      const res = await this.#agent.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: req.method,
        headers: { 'user-agent': USER_AGENT, ...req.headers },
        body: req.body,
        signal: controller.signal,
      });
      const { body, truncated } = await readCapped(res.body, MAX_RESPONSE_BYTES);
      return {
        status: res.statusCode,
        headers: flattenHeaders(res.headers),
        body,
        truncated,
        durationMs: elapsed(),
      };
    } catch (err) {
      const failure = classify(err, controller.signal);
      failure.durationMs = elapsed();
      throw failure;
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Closes pooled connections. */
  async close(): Promise<void> {
    await this.#agent.close();
  }

  #parse(raw: string): URL {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new OutboundError('invalid_url', `${JSON.stringify(redactUrl(raw))} is not a valid URL`);
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && this.#opts.allowHttp)) {
      const allowed = this.#opts.allowHttp ? 'http:// or https://' : 'https://';
      throw new OutboundError('invalid_url', `only ${allowed} URLs are allowed (got ${url.protocol}//)`);
    }
    if (url.username || url.password)
      throw new OutboundError('invalid_url', 'URLs with credentials are not allowed');
    return url;
  }

  #checkAddress(address: string, host: string): void {
    const why = this.#guard.refusal(address);
    if (why) {
      const via = address === host ? '' : ` (${host} resolves to it)`;
      throw new OutboundError('blocked_address', `${why}${via}; only public addresses can be called`);
    }
  }

  async #addressesOf(host: string): Promise<{ address: string; family: number }[]> {
    let addresses: { address: string; family: number }[];
    // `localhost` names are the loopback address by definition (RFC 6761), whatever a resolver says or does not.
    if (isLocalhostName(host)) {
      if (!this.#guard.allowsHost(host)) this.#checkAddress('127.0.0.1', host);
      return [{ address: '127.0.0.1', family: 4 }];
    }
    try {
      addresses = await this.#resolve(host);
    } catch (err) {
      throw new OutboundError(
        'dns_error',
        `${host} does not resolve (${(err as NodeJS.ErrnoException).code ?? err})`,
        {
          cause: err,
        },
      );
    }
    if (addresses.length === 0) throw new OutboundError('dns_error', `${host} has no addresses`);
    if (!this.#guard.allowsHost(host)) for (const a of addresses) this.#checkAddress(a.address, host);
    return addresses;
  }

  async #lookup(
    hostname: string,
    options: { all?: boolean; family?: number | string },
    cb: LookupCallback,
  ): Promise<void> {
    try {
      let addresses = await this.#addressesOf(bareHost(hostname));
      const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
      if (family === 4 || family === 6) addresses = addresses.filter((a) => a.family === family);
      const first = addresses[0];
      if (!first) throw new OutboundError('dns_error', `${hostname} has no IPv${family} address`);
      if (options.all) cb(null, addresses);
      else cb(null, first.address, first.family);
    } catch (err) {
      cb(err as NodeJS.ErrnoException, '', 0);
    }
  }
}

/** Builds the process's client from the environment. */
export function createOutbound(env: {
  OUTBOUND_ALLOW_HTTP: boolean;
  OUTBOUND_ALLOWLIST: readonly string[];
  WEBHOOK_TIMEOUT_SECONDS: number;
}): OutboundClient {
  return new OutboundClient({
    allowHttp: env.OUTBOUND_ALLOW_HTTP,
    allowlist: env.OUTBOUND_ALLOWLIST,
    defaultTimeoutMs: env.WEBHOOK_TIMEOUT_SECONDS * 1000,
  });
}

/** Whether a send failed without any response (an {@link OutboundError}). */
export function isOutboundError(err: unknown): err is OutboundError {
  return err instanceof OutboundError;
}

/** Response headers as one string each (repeated ones joined with `, `, as the Fetch API does). */
function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers))
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** Reads up to `max` bytes of a body and drops the rest (destroying the stream frees the connection). */
async function readCapped(body: Readable, max: number): Promise<{ body: string; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (size + chunk.byteLength > max) {
      chunks.push(chunk.subarray(0, max - size));
      truncated = true;
      body.destroy();
      break;
    }
    chunks.push(chunk);
    size += chunk.byteLength;
  }
  return { body: Buffer.concat(chunks).toString('utf8'), truncated };
}

const TLS_CODES =
  /^(CERT_|ERR_TLS_|ERR_SSL_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT|UNABLE_TO_(GET|VERIFY)_)/;

/** Turns whatever undici threw into an OutboundError, looking through its wrappers. */
function classify(err: unknown, signal: AbortSignal): OutboundError {
  if (signal.aborted && signal.reason instanceof OutboundError) return signal.reason;
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    if (e instanceof OutboundError) return e;
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code !== 'string') continue;
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
      return new OutboundError('dns_error', `DNS lookup failed (${code})`, { cause: err });
    if (TLS_CODES.test(code)) return new OutboundError('tls_error', `TLS failed (${code})`, { cause: err });
    if (
      code === 'UND_ERR_CONNECT_TIMEOUT' ||
      code === 'UND_ERR_HEADERS_TIMEOUT' ||
      code === 'UND_ERR_BODY_TIMEOUT'
    )
      return new OutboundError('timeout', `timed out (${code})`, { cause: err });
    return new OutboundError('connection_error', `connection failed (${code})`, { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new OutboundError('connection_error', `request failed: ${message}`, { cause: err });
}
