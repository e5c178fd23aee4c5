/** A response to a request sent as raw bytes, as tests read it. */
export interface RawResult {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
  body: any;
}

/**
 * Sends a request exactly as given: the body is the string written (a seed page's `-d '…'` text, byte for byte),
 * with only the headers named. For checking that another product's requests work as written.
 */
export async function sendRaw(
  baseUrl: string,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: string } = {},
): Promise<RawResult> {
  const res = await fetch(`${baseUrl}${path}`, { method, headers: opts.headers ?? {}, body: opts.body });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (process.env.DEBUG_HTTP) console.log(method, path, res.status, text.slice(0, 2000));
  return { status: res.status, headers: res.headers, text, body };
}

/**
 * A JSON request as a host sends it: the body text as written (hand-built JSON too: NUL and lone surrogates
 * go as escapes), with the server's API key as a Bearer token; JSON unless `headers` name a Content-Type.
 */
export function sendJsonText(
  server: { url: string; apiKey: string },
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<RawResult> {
  // A Content-Type given (in any letter case) replaces the JSON one.
  const typed = body === undefined || Object.keys(headers).some((h) => h.toLowerCase() === 'content-type');
  return sendRaw(server.url, method, path, {
    headers: {
      authorization: `Bearer ${server.apiKey}`,
      ...(typed ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body,
  });
}
