// Types only: this file is erased from the build, so the server's router type costs the published package nothing.
import type { AppRouter } from '@switchyard/server/router';
import type {
  AnyTRPCProcedure,
  AnyTRPCRouter,
  inferProcedureInput,
  inferProcedureOutput,
  TRPCRouterRecord,
} from '@trpc/server';

/**
 * How a procedure is called: a `query` is sent as GET, a `mutation` as POST with an `Idempotency-Key`, and a
 * `paginated` query also gets a `…All` iterator over its pages.
 */
export type ProcedureKind = 'query' | 'paginated' | 'mutation';

/** `meta` of every list response. */
export interface PageMeta {
  page_limit: number;
  has_next_page: boolean;
  has_previous_page: boolean;
}

/** One page of a list: the items, newest first, and whether more pages exist. */
export interface Page<T> {
  data: T[];
  meta: PageMeta;
}

/** Options every call takes besides its input. */
export interface CallOptions {
  /** Aborts the call (and its retries). */
  signal?: AbortSignal;
  /**
   * The `Idempotency-Key` of a mutation. One is made per call when omitted (and kept across that call's retries);
   * pass your own to make a call safe to repeat across process restarts (`life-…` keys never expire).
   */
  idempotencyKey?: string;
}

/** What a call resolves to: the resource for a `{ data }` response, the whole page (`data` + `meta`) for a list. */
export type Unwrap<O> = O extends { data: unknown; meta: PageMeta } ? O : O extends { data: infer D } ? D : O;

type Input<P extends AnyTRPCProcedure> = inferProcedureInput<P>;

/** One procedure as a function: input (optional when every field is) → the unwrapped output. */
export type ProcedureFn<P extends AnyTRPCProcedure> =
  // biome-ignore lint/complexity/noBannedTypes: "an empty object fits the input" is exactly "every field is optional"
  {} extends Input<P>
    ? (input?: Input<P>, opts?: CallOptions) => Promise<Unwrap<inferProcedureOutput<P>>>
    : (input: Input<P>, opts?: CallOptions) => Promise<Unwrap<inferProcedureOutput<P>>>;

/** The item type of a paginated procedure, or never. */
export type PageItem<P extends AnyTRPCProcedure> =
  inferProcedureOutput<P> extends {
    data: Array<infer T extends { id: string }>;
    meta: PageMeta;
  }
    ? Input<P> extends { starting_after?: string }
      ? T
      : never
    : never;

/** The input of an iterator: a list's input without the cursors, which the iterator moves itself. */
export type IterateInput<P extends AnyTRPCProcedure> = Omit<
  Exclude<Input<P>, void>,
  'starting_after' | 'ending_before'
>;

/** `listAll(input)`: every item of a paginated list, page after page, newest first. */
export type IteratorFn<P extends AnyTRPCProcedure> = (
  input?: IterateInput<P>,
  opts?: Pick<CallOptions, 'signal'>,
) => AsyncIterableIterator<PageItem<P>>;

type Procedures<R extends TRPCRouterRecord> = {
  [K in keyof R]: R[K] extends AnyTRPCProcedure
    ? ProcedureFn<R[K]>
    : R[K] extends TRPCRouterRecord
      ? ClientRecord<R[K]>
      : never;
};

type Iterators<R extends TRPCRouterRecord> = {
  [K in keyof R & `list${string}` as R[K] extends AnyTRPCProcedure
    ? [PageItem<R[K]>] extends [never]
      ? never
      : `${K}All`
    : never]: R[K] extends AnyTRPCProcedure ? IteratorFn<R[K]> : never;
};

/**
 * A router's procedures as plain async functions, nested as the routers are (`users.get`, `apiKeys.create`), plus
 * `<list>All` async iterators for every paginated `list…` procedure. Derived from the router type alone: a router
 * the server adds appears here with no client code.
 */
export type ClientRecord<R extends TRPCRouterRecord> = Procedures<R> & Iterators<R>;

/** The typed client of a router: {@link ClientRecord} of its procedures. */
export type SwitchyardClient<TRouter extends AnyTRPCRouter = AppRouter> = ClientRecord<
  TRouter['_def']['record']
>;

type Flatten<T> = { [K in keyof T]: T[K] };

/** A procedure's input or its unwrapped result. */
type Side<P extends AnyTRPCProcedure, S extends 'input' | 'output'> = S extends 'input'
  ? Input<P>
  : Flatten<Unwrap<inferProcedureOutput<P>>>;

/** One side of every procedure of a router record, nested as the routers are. */
type ByPath<R extends TRPCRouterRecord, S extends 'input' | 'output'> = {
  [K in keyof R]: R[K] extends AnyTRPCProcedure
    ? Side<R[K], S>
    : R[K] extends TRPCRouterRecord
      ? ByPath<R[K], S>
      : never;
};

/** Every procedure's input, by path: `ClientInputs['users']['upsert']`. */
export type ClientInputs<TRouter extends AnyTRPCRouter = AppRouter> = ByPath<
  TRouter['_def']['record'],
  'input'
>;
/** Every procedure's unwrapped result, by path: `ClientOutputs['users']['get']` is a user. */
export type ClientOutputs<TRouter extends AnyTRPCRouter = AppRouter> = ByPath<
  TRouter['_def']['record'],
  'output'
>;

/** A user, as the API returns it. */
export type User = ClientOutputs['users']['get'];
/** An API key as listed (never the key itself). */
export type ApiKey = ClientOutputs['apiKeys']['revoke'];
/** A newly created API key, the one time its `key` is shown. */
export type CreatedApiKey = ClientOutputs['apiKeys']['create'];
/** A workflow execution with its steps, as `executions.get` returns it. */
export type Execution = ClientOutputs['executions']['get'];
