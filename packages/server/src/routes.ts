import type { z } from 'zod';
import type { Scope } from './apiKeys/scopes.ts';
import type { AuthedContext } from './context.ts';
import type { EntityManager } from './db/orm.ts';
import { openapi, type RouteSpec } from './openapiMeta.ts';
import { type PageMeta, pageOf } from './pagination.ts';
import { scopedProcedure } from './trpc.ts';

/**
 * A procedure that needs a secret key holding `scope`, with its REST mapping (see `openapi`), input and output: how
 * every scoped route of the API is declared.
 */
export function scopedRoute<I extends z.ZodType, O extends z.ZodType>(
  scope: Scope,
  spec: RouteSpec,
  input: I,
  output: O,
) {
  return scopedProcedure(scope).meta(openapi(spec)).input(input).output(output);
}

/** A page of rows, as the list statements of the services answer it. */
type Page<T> = { rows: T[]; meta: PageMeta };

/**
 * Nothing when what a route answers (`A`) is what the output schema `O` takes, `never` otherwise: a type error where
 * the resource is declared, as tRPC gives for a resolver whose answer does not fit its output.
 */
type Fits<O extends z.ZodType, A> = NoInfer<A extends z.input<O> ? unknown : never>;

/** What a service reads one object or a page with: the calling account's id and the path parameter, or the query. */
type Reader<Arg, R> = (em: EntityManager, accountId: string, arg: Arg) => Promise<R>;

/** A route of a {@link resource}: the tag is the resource's, the path its object's unless given. */
export type ResourceRoute = Omit<RouteSpec, 'tag' | 'path'> & { path?: RouteSpec['path'] };

/** One kind of API object: where it lives in REST, who may read and change it, and its API shape. */
export interface ResourceSpec<T, Out, P extends string, One extends z.ZodType, List extends z.ZodType> {
  tag: string;
  /** The collection (`/users`); one object is at `{path}/{param}`. */
  path: `/${string}`;
  /** The path parameter (and input field) that addresses one object: `id`, or `key` for users. */
  param: P;
  read: Scope;
  write: Scope;
  /** The API shape of a row, in the calling account's terms. */
  toOutput: (ctx: AuthedContext, row: T) => Out;
  /** The response of a route about one object: `{ data }`. */
  one: One & Fits<One, { data: Out }>;
  /** The response of a list: `{ data: [...], meta }`. */
  list: List & Fits<List, { data: Out[]; meta: PageMeta }>;
}

/**
 * The routes of one kind of object: each answers `{ data }` with the object through `toOutput`, or a page of them,
 * and only how it finds or changes its rows is its own. The output schema still validates every answer, and types
 * it for the client.
 */
export function resource<T, Out, P extends string, One extends z.ZodType, List extends z.ZodType>(
  spec: ResourceSpec<T, Out, P, One, List>,
) {
  const { tag, toOutput } = spec;
  const objectPath = `${spec.path}/{${spec.param}}` as const;
  const route = (r: ResourceRoute): RouteSpec => ({ ...r, path: r.path ?? objectPath, tag });
  const one = async (ctx: AuthedContext, row: Promise<T>) => ({ data: toOutput(ctx, await row) });
  return {
    /** `GET {path}`: a page of the account's objects, newest first (cursor pagination). */
    list<I extends z.ZodType>(
      summary: string,
      input: I,
      list: Reader<z.output<I>, Page<T>>,
      more?: Partial<ResourceRoute>,
    ) {
      const at = { method: 'GET' as const, path: spec.path, summary, ...more };
      return scopedRoute(spec.read, route(at), input, spec.list).query(async ({ ctx, input }) => {
        const page = await list(ctx.em, ctx.auth.account.id, input as z.output<I>);
        return pageOf(page, (row) => toOutput(ctx, row)) as never;
      });
    },
    /** `GET {path}/{param}`: one object, or 404 `not_found`. */
    get<I extends z.ZodType<Record<P, string>>>(
      summary: string,
      input: I,
      load: Reader<string, T>,
      more?: Partial<ResourceRoute>,
    ) {
      const at = { method: 'GET' as const, summary, notFound: true, ...more };
      return scopedRoute(spec.read, route(at), input, spec.one).query(({ ctx, input }) => {
        const key = (input as z.output<I>)[spec.param];
        return one(ctx, load(ctx.em, ctx.auth.account.id, key)) as never;
      });
    },
    /** A change of one object (at `{path}/{param}` and 404 when unknown, unless said), answering it. */
    change<I extends z.ZodType>(
      r: ResourceRoute,
      input: I,
      change: (ctx: AuthedContext, input: z.output<I>) => Promise<T>,
    ) {
      return scopedRoute(spec.write, route({ notFound: true, ...r }), input, spec.one).mutation(
        ({ ctx, input }) => one(ctx, change(ctx, input as z.output<I>)) as never,
      );
    },
  };
}
