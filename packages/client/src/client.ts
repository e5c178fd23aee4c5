import type { AppRouter } from '@switchyard/server/router';
import { createTRPCUntypedClient, httpLink, type TRPCClientError } from '@trpc/client';
import type { AnyTRPCRouter } from '@trpc/server';
import { toSwitchyardError } from './errors.ts';
import { paginate } from './pagination.ts';
import { createRetryingFetch, DEFAULT_RETRY_POLICY, type FetchLike, type RetryPolicy } from './request.ts';
import type { CallOptions, Page, SwitchyardClient } from './types.ts';

/** Options of {@link createClient}. */
export interface ClientOptions extends Partial<RetryPolicy> {
  /** Where the server runs, e.g. `https://switchyard.example.com` (no `/v1` or `/trpc`). */
  baseUrl: string;
  /** A secret API key (`sk_live_…` or `sk_test_…`); sent as `Authorization: Bearer`. */
  apiKey: string;
  /** A `fetch` to use instead of the global one. */
  fetch?: FetchLike;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
}

type Kind = 'query' | 'mutation';

// The router type does not exist at run time, so the client cannot ask it whether a procedure is a query or a
// mutation. It guesses from the name (`get…`/`list…` read, everything else writes) and, when the server answers
// METHOD_NOT_SUPPORTED (it checks the HTTP method before running anything), switches and remembers.
function guessKind(name: string): Kind {
  return /^(get|list)([A-Z]|$)/.test(name) ? 'query' : 'mutation';
}

const ITERATOR = /^(list.*)All$/;

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
export function createClient<TRouter extends AnyTRPCRouter = AppRouter>(
  options: ClientOptions,
): SwitchyardClient<TRouter> {
  const policy: RetryPolicy = {
    maxRetries: options.maxRetries ?? DEFAULT_RETRY_POLICY.maxRetries,
    timeoutMs: options.timeoutMs ?? DEFAULT_RETRY_POLICY.timeoutMs,
    baseDelayMs: options.baseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
    maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULT_RETRY_POLICY.maxRetryAfterMs,
  };
  const baseFetch: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const trpc = createTRPCUntypedClient<AppRouter>({
    links: [
      httpLink({
        url: `${options.baseUrl.replace(/\/+$/, '')}/trpc`,
        fetch: createRetryingFetch(baseFetch, policy),
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
  const kinds = new Map<string, Kind>();

  async function call(path: string[], input: unknown, opts: CallOptions = {}): Promise<unknown> {
    const dotted = path.join('.');
    const idempotencyKey = opts.idempotencyKey ?? `auto-${crypto.randomUUID()}`;
    let kind = kinds.get(dotted) ?? guessKind(path.at(-1) ?? '');
    for (let switched = false; ; switched = true) {
      try {
        const reqOpts = { signal: opts.signal, context: { idempotencyKey } };
        const result =
          kind === 'query'
            ? await trpc.query(dotted, input, reqOpts)
            : await trpc.mutation(dotted, input, reqOpts);
        kinds.set(dotted, kind);
        return unwrap(result);
      } catch (err) {
        const code = (err as TRPCClientError<AnyTRPCRouter>).data?.code;
        if (code === 'METHOD_NOT_SUPPORTED' && !switched) {
          kind = kind === 'query' ? 'mutation' : 'query';
          continue;
        }
        throw toSwitchyardError(err as TRPCClientError<AnyTRPCRouter>);
      }
    }
  }

  function node(path: string[]): unknown {
    const fn = (input?: unknown, opts?: CallOptions) => {
      const iterated = ITERATOR.exec(path.at(-1) ?? '');
      if (iterated?.[1]) {
        const listPath = [...path.slice(0, -1), iterated[1]];
        const list = (i: unknown, o?: CallOptions) => call(listPath, i, o) as Promise<Page<{ id: string }>>;
        return paginate(list, input as Record<string, never> | undefined, opts);
      }
      return call(path, input, opts);
    };
    return new Proxy(fn, {
      get(_target, prop) {
        // Not a thenable: `await client.users` must not try to call a procedure named `then`.
        if (typeof prop !== 'string' || prop === 'then') return undefined;
        return node([...path, prop]);
      },
    });
  }

  return node([]) as SwitchyardClient<TRouter>;
}
