import {
  type AppRouter,
  createTrpcClient,
  type SwitchyardError,
  toSwitchyardError,
} from '@switchyard/client/trpc';
import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import type { TRPCClient } from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import { sessionStore } from './session.ts';

/** Every procedure's result type, e.g. `Outputs['workflows']['get']`. */
export type Outputs = inferRouterOutputs<AppRouter>;
/** Every procedure's input type. */
export type Inputs = inferRouterInputs<AppRouter>;

/**
 * The one API client: tRPC over @switchyard/client, carrying the session's token. pnpm installs @trpc/client twice
 * (once per TypeScript version its dependents bring): the same release, typed twice, so the SDK's client is named
 * with this package's copy of the type. Vite dedupes the code (vite.config.ts).
 */
export const client = createTrpcClient({
  baseUrl: window.location.origin,
  credential: () => sessionStore.token(),
  maxRetries: 1,
}) as unknown as TRPCClient<AppRouter>;

/** Any error a call threw, as the SDK's SwitchyardError (stable `code`, HTTP `status`, `details`). */
export function apiError(err: unknown): SwitchyardError {
  return toSwitchyardError(err as Parameters<typeof toSwitchyardError>[0]) as SwitchyardError;
}

/** The problems a 400 carries: `{ path, message, node_ids? }` per field. */
export interface Problem {
  path: string;
  message: string;
  node_ids?: string[];
}

/** The field-level problems of an error, when it has them. */
export function problemsOf(err: unknown): Problem[] {
  if (!err) return [];
  const details = apiError(err).details;
  return Array.isArray(details) ? (details as Problem[]) : [];
}

/** The `reason` an error's details give (a session's end: `session_expired`, `link_used`, …), if any. */
export function detailReason(details: unknown): string | undefined {
  if (!Array.isArray(details)) return undefined;
  const entry = details.find(
    (d) => d && typeof d === 'object' && typeof (d as { reason?: unknown }).reason === 'string',
  );
  return (entry as { reason: string } | undefined)?.reason;
}

// A 401 anywhere means the session is over (expired, revoked, logged out): the portal shows why and stops.
function onError(err: unknown) {
  const e = apiError(err);
  if (e.status === 401) sessionStore.end(reasonOf(e));
}

function reasonOf(e: SwitchyardError): 'expired' | 'revoked' | 'invalid' {
  const reason = detailReason(e.details);
  if (reason === 'session_expired') return 'expired';
  if (reason === 'session_revoked') return 'revoked';
  return 'invalid';
}

export const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError }),
  mutationCache: new MutationCache({ onError }),
  defaultOptions: {
    queries: {
      // The client already retried network errors and 5xx; a 4xx will not change by asking again.
      retry: false,
      refetchOnWindowFocus: false,
      staleTime: 2_000,
    },
  },
});

/** TanStack Query options for every procedure: `useQuery(trpc.workflows.list.queryOptions(input))`. */
export const trpc = createTRPCOptionsProxy<AppRouter>({ client, queryClient });
