// The typed tRPC client itself, for callers that drive tRPC directly: the portal uses it through
// @trpc/tanstack-react-query. Nothing here imports Node modules, so it bundles for the browser.
import type { AppRouter } from '@switchyard/server/router';
import { createTRPCClient, httpLink, type TRPCClient } from '@trpc/client';
import { createHttp, type FetchLike, fetchOf, type RetryPolicy, retryPolicyOf } from './request.ts';

export { isSwitchyardError, SwitchyardError, toSwitchyardError } from './errors.ts';
export type { AppRouter };

/** Options of {@link createTrpcClient}. */
export interface TrpcClientOptions extends Partial<RetryPolicy> {
  /** Where the server runs, e.g. `https://switchyard.example.com` (no `/trpc`). */
  baseUrl: string;
  /**
   * The credential sent as `Authorization: Bearer`: an API key, a portal session token, or a function giving the
   * current one (read on every request, so a token obtained later is used; undefined sends none).
   */
  credential?: string | (() => string | undefined);
  /** A `fetch` to use instead of the global one. */
  fetch?: FetchLike;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
}

/**
 * A typed tRPC client over the server's router (`client.workflows.list.query(input)`), with the same transport as
 * `createClient`: one request per call, an `Idempotency-Key` per mutation (kept across its retries), retries on
 * network errors, timeouts, 5xx and 429. Errors are tRPC's; `toSwitchyardError` turns one into a SwitchyardError.
 */
export function createTrpcClient(options: TrpcClientOptions): TRPCClient<AppRouter> {
  const policy = retryPolicyOf(options);
  const baseFetch = fetchOf(options);
  const credential = options.credential;
  return createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${options.baseUrl.replace(/\/+$/, '')}/trpc`,
        fetch: createHttp(baseFetch, policy),
        headers: ({ op }) => {
          const headers: Record<string, string> = { ...options.headers };
          const current = typeof credential === 'function' ? credential() : credential;
          if (current) headers.authorization = `Bearer ${current}`;
          if (op.type === 'mutation') headers['idempotency-key'] = `auto-${crypto.randomUUID()}`;
          return headers;
        },
      }),
    ],
  });
}
