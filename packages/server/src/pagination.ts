import type { EntityName, FilterQuery, FindOptions } from '@mikro-orm/core';
import { z } from 'zod';
import type { EntityManager } from './db/orm.ts';
import { AppError } from './errors.ts';

/** Query parameters of every list: cursors are object ids; lists run newest first. */
export const PageInput = z.object({
  starting_after: z
    .uuid()
    .optional()
    .describe('An id: return the page of older objects right after it (not with ending_before)'),
  ending_before: z
    .uuid()
    .optional()
    .describe('An id: return the page of newer objects right before it (not with starting_after)'),
  limit: z.coerce.number<number>().int().min(1).max(100).default(25).describe('Page size, 1 to 100'),
});
export type PageInput = z.infer<typeof PageInput>;

/** `meta` of every list response. */
export const PageMeta = z.object({
  page_limit: z.number().int(),
  has_next_page: z.boolean(),
  has_previous_page: z.boolean(),
});
export type PageMeta = z.infer<typeof PageMeta>;

/** A list response: `{ data: [...], meta }`. */
export function listOutput<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), meta: PageMeta });
}

/** The list response of a page of rows: each row through `toOutput` (which may be async), with the page's `meta`. */
export async function pageOf<T, O>(
  page: { rows: T[]; meta: PageMeta },
  toOutput: (row: T) => O | Promise<O>,
) {
  return { data: await Promise.all(page.rows.map(toOutput)), meta: page.meta };
}

/** `where` without the fields not given (`undefined` or `''`): a list's optional filters. `null` is kept. */
export function given<W extends Record<string, unknown>>(where: W): W {
  return Object.fromEntries(Object.entries(where).filter(([, v]) => v !== undefined && v !== '')) as W;
}

/**
 * One page of `entity` rows matching `where`, newest first, by UUIDv7 id (time-ordered, so the cursor is an index
 * scan). `starting_after` pages to older rows, `ending_before` to newer ones.
 */
export async function paginate<T extends { id: string }>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<NoInfer<T>>,
  page: PageInput,
): Promise<{ rows: T[]; meta: PageMeta }> {
  if (page.starting_after && page.ending_before) {
    throw new AppError('validation_error', 'Send starting_after or ending_before, not both', [
      { path: 'ending_before', message: 'not allowed together with starting_after' },
    ]);
  }
  const limit = page.limit;
  // The cursor narrows `where` by id; the order is by id (every entity paged here has a UUIDv7 `id`).
  const find = (cursor: { $gt: string } | { $lt: string } | undefined, order: 'asc' | 'desc') => {
    // TypeScript cannot resolve MikroORM's query types over a type parameter; `id` exists on every T here.
    const filter = (cursor ? { $and: [where, { id: cursor }] } : where) as FilterQuery<T>;
    const options = { orderBy: { id: order }, limit: limit + 1 } as FindOptions<T> & { using?: never };
    return em.find<T, never, never, never, never>(entity, filter, options) as Promise<T[]>;
  };
  if (page.ending_before) {
    const rows = await find({ $gt: page.ending_before }, 'asc');
    const more = rows.length > limit;
    return {
      rows: rows.slice(0, limit).reverse(),
      meta: { page_limit: limit, has_next_page: true, has_previous_page: more },
    };
  }
  const rows = await find(page.starting_after ? { $lt: page.starting_after } : undefined, 'desc');
  return {
    rows: rows.slice(0, limit),
    meta: {
      page_limit: limit,
      has_next_page: rows.length > limit,
      has_previous_page: Boolean(page.starting_after),
    },
  };
}
