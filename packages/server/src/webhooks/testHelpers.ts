import type { TestServer } from '../testing/index.ts';

/** A REST response as tests read it. */
export interface ApiResult {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
  body: any;
}

/** Calls a test server over real HTTP with its admin key (or `key`), JSON in and out. */
export function apiCaller(srv: TestServer) {
  return async function call(
    method: string,
    path: string,
    body?: unknown,
    opts: { key?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResult> {
    const res = await fetch(`${srv.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${opts.key ?? srv.apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...opts.headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const out = { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
    if (process.env.DEBUG_HTTP) console.log(method, path, out.status, text.slice(0, 2000));
    return out;
  };
}

/** Creates an API key holding only `scopes`, through the API. */
export async function keyWithScopes(call: ReturnType<typeof apiCaller>, scopes: string[]): Promise<string> {
  const res = await call('POST', '/v1/api-keys', { name: `scoped ${scopes.join(' ')}`, scopes });
  if (res.status !== 201) throw new Error(`could not create a key: ${res.status}`);
  return res.body.data.key;
}

/** One request a test receiver got. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

/** What a receiver answers: a status, optional headers and body. */
export interface ReceiverReply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** A real HTTP receiver on 127.0.0.1 that records every request and answers with `reply` (200 by default). */
export interface Receiver {
  url: string;
  port: number;
  requests: ReceivedRequest[];
  reply: (req: ReceivedRequest, index: number) => ReceiverReply;
  /** Resolves when `n` requests have arrived (rejects after `timeoutMs`). */
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

/** A receiver's JSON answer. */
export function jsonReply(body: unknown, status = 200): ReceiverReply {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** Starts a {@link Receiver}. */
export async function startReceiver(
  reply: (req: ReceivedRequest, index: number) => ReceiverReply = () => ({ status: 200, body: 'ok' }),
): Promise<Receiver> {
  const { createServer } = await import('node:http');
  const waiters: { n: number; resolve: () => void }[] = [];
  const receiver = { requests: [] as ReceivedRequest[], reply } as Receiver;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const got: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      const index = receiver.requests.length;
      receiver.requests.push(got);
      const r = receiver.reply(got, index);
      res.writeHead(r.status, r.headers ?? {});
      res.end(r.body ?? '');
      for (const w of waiters.filter((w) => receiver.requests.length >= w.n)) w.resolve();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  receiver.port = typeof address === 'object' && address ? address.port : 0;
  receiver.url = `http://127.0.0.1:${receiver.port}`;
  receiver.waitFor = (n, timeoutMs = 10_000) =>
    new Promise((resolve, reject) => {
      if (receiver.requests.length >= n) return resolve(receiver.requests);
      const timer = setTimeout(
        () =>
          reject(new Error(`receiver got ${receiver.requests.length} of ${n} requests in ${timeoutMs} ms`)),
        timeoutMs,
      );
      waiters.push({
        n,
        resolve: () => {
          clearTimeout(timer);
          resolve(receiver.requests);
        },
      });
    });
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}
