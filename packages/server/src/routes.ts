import { z } from 'zod';
import type { Scope } from './apiKeys/scopes.ts';
import type { AuthedContext } from './context.ts';
import type { EntityManager } from './db/orm.ts';
import { openapi, type RouteSpec } from './openapiMeta.ts';
import { listOutput, type PageMeta, pageOf } from './pagination.ts';
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
 * Nothing when what a route answers (`A`) is what the schema `O` takes, `never` otherwise: a type error where
 * the resource is declared, as tRPC gives for a resolver whose answer does not fit its output.
 */
type Fits<O extends z.ZodType, A> = NoInfer<A extends z.input<O> ? unknown : never>;

/** One object with its children (a delivery's attempts, an execution's steps), as a service's `get` reads it. */
export type Detailed<T, C> = { row: T; children: C[] };

/**
 * The `toOutput` of a {@link resource} whose object is fetched alone with its children and listed or changed without
 * them: `toOutput` makes its API shape in the calling account's time zone, with the children when given. (Declare it
 * apart from the resource: made inside the call, its answer's type is not inferred in time for the resource's check.)
 */
export function withChildren<T, C, Out>(toOutput: (row: T, zone: string, children?: C[]) => Out) {
  return (ctx: AuthedContext, d: T | Detailed<T, C>): Out => {
    const zone = ctx.auth.account.timeZone;
    return isDetailed(d) ? toOutput(d.row, zone, d.children) : toOutput(d, zone);
  };
}

function isDetailed<T, C>(d: T | Detailed<T, C>): d is Detailed<T, C> {
  return typeof d === 'object' && d !== null && 'row' in d && 'children' in d;
}

/** What a service reads one object or a page with: the calling account's id and the path parameter, or the query. */
type Reader<Arg, R> = (em: EntityManager, accountId: string, arg: Arg) => Promise<R>;

/** A route of a {@link resource}: the tag is the resource's, the path its object's unless given. */
export type ResourceRoute = Omit<RouteSpec, 'tag' | 'path'> & { path?: RouteSpec['path'] };

/** Where one kind of API object lives in REST, and who may read and change it. */
export interface ResourceAt<P extends string> {
  tag: string;
  /** One object's path, e.g. `/users/{key}`: its parameter (an input field too) addresses it; the list is above. */
  path: `/${string}/{${P}}`;
  read: Scope;
  write: Scope;
}

/**
 * The routes of one kind of object: each answers `{ data }` with the object through `toOutput` (its API shape in
 * the calling account's terms, made at once or async), or a page of them; only how a route finds or changes its
 * rows is its own. The output schemas made from the object's (`{ data }` of one, and a page of them) still validate
 * every answer, and type it for the client.
 *
 * The resolvers' answers are cast (`as never`): tRPC cannot relate an answer of a type parameter to an output schema
 * of another; `Fits` checks that relation where the resource is declared instead.
 */
export function resource<T, Out, P extends string, O extends z.ZodType>(
  at: ResourceAt<P>,
  object: O & Fits<O, Out>,
  toOutput: (ctx: AuthedContext, row: T) => Out | Promise<Out>,
) {
  const responses = { one: z.object({ data: object }), list: listOutput(object) };
  const { tag } = at;
  const collection = at.path.slice(0, at.path.lastIndexOf('/')) as RouteSpec['path'];
  const param = at.path.slice(at.path.lastIndexOf('{') + 1, -1) as P;
  const route = (r: ResourceRoute): RouteSpec => ({ ...r, path: r.path ?? at.path, tag });
  const one = async (ctx: AuthedContext, row: Promise<T>) => ({ data: await toOutput(ctx, await row) });
  return {
    /** `GET` of the collection: a page of the account's objects, newest first (cursor pagination). */
    list<I extends z.ZodType>(
      summary: string,
      input: I,
      list: Reader<z.output<I>, Page<T>>,
      more?: Partial<ResourceRoute>,
    ) {
      const r = { method: 'GET' as const, path: collection, summary, ...more };
      return scopedRoute(at.read, route(r), input, responses.list).query(async ({ ctx, input }) => {
        const page = await list(ctx.em, ctx.auth.account.id, input as z.output<I>);
        return pageOf(page, (row) => toOutput(ctx, row)) as never;
      });
    },
    /** `GET` of one object: the one its path parameter names, or 404 `not_found`. */
    get<I extends z.ZodType<Record<P, string>>>(
      summary: string,
      input: I,
      load: Reader<string, T>,
      more?: Partial<ResourceRoute>,
    ) {
      const r = { method: 'GET' as const, summary, notFound: true, ...more };
      return scopedRoute(at.read, route(r), input, responses.one).query(({ ctx, input }) => {
        const key = (input as z.output<I>)[param];
        return one(ctx, load(ctx.em, ctx.auth.account.id, key)) as never;
      });
    },
    /** A change of one object (at its path and 404 when unknown, unless said), answering it. */
    change<I extends z.ZodType>(
      r: ResourceRoute,
      input: I,
      change: (ctx: AuthedContext, input: z.output<I>) => Promise<T>,
    ) {
      return scopedRoute(at.write, route({ notFound: true, ...r }), input, responses.one).mutation(
        ({ ctx, input }) => one(ctx, change(ctx, input as z.output<I>)) as never,
      );
    },
    /** Another route that needs the write scope (at the object's path unless given), answering `output`. */
    write<I extends z.ZodType, O extends z.ZodType>(r: ResourceRoute, input: I, output: O) {
      return scopedRoute(at.write, route(r), input, output);
    },
  };
}
