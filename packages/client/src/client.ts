import type { AppRouter } from '@switchyard/server/router';
import { createTRPCUntypedClient, httpLink, type TRPCClientError } from '@trpc/client';
import type { AnyTRPCRouter } from '@trpc/server';
import { toSwitchyardError } from './errors.ts';
import { paginate } from './pagination.ts';
import { PROCEDURES } from './procedures.ts';
import {
  type ClientHooks,
  createHttp,
  type FetchLike,
  fetchOf,
  type RetryPolicy,
  retryPolicyOf,
} from './request.ts';
import type { CallOptions, Page, ProcedureKind, SwitchyardClient } from './types.ts';

/** Options of {@link createClient}. */
export interface ClientOptions extends Partial<RetryPolicy> {
  /** Where the server runs, e.g. `https://switchyard.example.com` (no `/v1` or `/trpc`). */
  baseUrl: string;
  /** A secret API key (`sk_live_…` or `sk_test_…`); sent as `Authorization: Bearer`. */
  apiKey: string;
  /** A `fetch` to use instead of the global one; it is called with a `Request` for every attempt. */
  fetch?: FetchLike;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /** ky hooks around every request: log attempts, trace, add headers (`beforeRequest`, `beforeRetry`, …). */
  hooks?: ClientHooks;
}

function unwrap(result: unknown): unknown {
  if (result && typeof result === 'object' && 'data' in result && !('meta' in result)) {
    return (result as { data: unknown }).data;
  }
  return result;
}

/**
 * Creates the typed Switchyard client. Each procedure of the server's router is a method (`client.users.get({ key })`)
 * that resolves to the resource itself (the `{ data }` envelope removed; lists keep `{ data, meta }`) and throws a
 * `SwitchyardError`. Every paginated `list…` also has a `list…All` async iterator. Requests go one per HTTP call (no
 * batching, so each mutation carries its own `Idempotency-Key`), and are retried on network errors, timeouts, 5xx and
 * 429 (honouring `Retry-After`) with backoff, never on another 4xx.
 */
export function createClient(options: ClientOptions): SwitchyardClient {
  return clientFor<AppRouter>(options, PROCEDURES);
}

/**
 * The client of any router, given the kind of each of its procedures (as scripts/procedures.ts reads them from a
 * router): {@link createClient} is this with Switchyard's own map, generated from its router at build time.
 */
export function clientFor<TRouter extends AnyTRPCRouter>(
  options: ClientOptions,
  procedures: Readonly<Record<string, ProcedureKind>>,
): SwitchyardClient<TRouter> {
  const policy = retryPolicyOf(options);
  const baseFetch = fetchOf(options);
  // Calls go by path string, so the router type only shapes the link options: Switchyard's has no transformer.
  const trpc = createTRPCUntypedClient<AppRouter>({
    links: [
      httpLink({
        url: `${options.baseUrl.replace(/\/+$/, '')}/trpc`,
        fetch: createHttp(baseFetch, policy, options.hooks),
        headers: ({ op }) => {
          const headers: Record<string, string> = {
            ...options.headers,
            authorization: `Bearer ${options.apiKey}`,
          };
          const key = (op.context as { idempotencyKey?: string }).idempotencyKey;
          if (op.type === 'mutation' && key) headers['idempotency-key'] = key;
          return headers;
        },
      }),
    ],
  });

  async function call(path: string, kind: ProcedureKind, input: unknown, opts: CallOptions = {}) {
    // One key per call, kept across that call's retries, so a mutation whose answer was lost runs once.
    const context = { idempotencyKey: opts.idempotencyKey ?? `auto-${crypto.randomUUID()}` };
    try {
      const result =
        kind === 'mutation'
          ? await trpc.mutation(path, input, { signal: opts.signal, context })
          : await trpc.query(path, input, { signal: opts.signal, context });
      return unwrap(result);
    } catch (err) {
      throw toSwitchyardError(err as TRPCClientError<AnyTRPCRouter>);
    }
  }

  const root: Record<string, unknown> = {};
  for (const [path, kind] of Object.entries(procedures)) {
    const parts = path.split('.');
    const name = parts.pop() as string;
    let node = root;
    for (const part of parts) {
      node[part] ??= {};
      node = node[part] as Record<string, unknown>;
    }
    const methods: Record<string, unknown> = {
      [name]: (input?: unknown, opts?: CallOptions) => call(path, kind, input, opts),
    };
    // As the types have it: a paginated `list…` gets its `list…All`.
    if (kind === 'paginated' && name.startsWith('list')) {
      const list = (i: unknown, o?: CallOptions) => call(path, kind, i, o) as Promise<Page<{ id: string }>>;
      methods[`${name}All`] = (input?: Record<string, never>, opts?: CallOptions) =>
        paginate(list, input, opts);
    }
    for (const [key, fn] of Object.entries(methods)) {
      if (Object.hasOwn(node, key)) throw new Error(`two client methods named ${[...parts, key].join('.')}`);
      node[key] = fn;
    }
  }
  return root as SwitchyardClient<TRouter>;
}
