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
