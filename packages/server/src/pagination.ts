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

/**
 * One page of `entity` rows matching `where`, newest first, by UUIDv7 id (time-ordered, so the cursor is an index
 * scan). `starting_after` pages to older rows, `ending_before` to newer ones.
 */
export async function paginate<T extends { id: string }>(
  em: EntityManager,
  // biome-ignore lint/suspicious/noExplicitAny: any MikroORM entity definition
  entity: any,
  where: Record<string, unknown>,
  page: PageInput,
): Promise<{ rows: T[]; meta: PageMeta }> {
  if (page.starting_after && page.ending_before) {
    throw new AppError('validation_error', 'Send starting_after or ending_before, not both', [
      { path: 'ending_before', message: 'not allowed together with starting_after' },
    ]);
  }
  const limit = page.limit;
  if (page.ending_before) {
    const rows = (await em.find(entity, { ...where, id: { $gt: page.ending_before } } as never, {
      orderBy: { id: 'asc' } as never,
      limit: limit + 1,
    })) as T[];
    const more = rows.length > limit;
    return {
      rows: rows.slice(0, limit).reverse(),
      meta: { page_limit: limit, has_next_page: true, has_previous_page: more },
    };
  }
  const cursor = page.starting_after ? { id: { $lt: page.starting_after } } : {};
  const rows = (await em.find(entity, { ...where, ...cursor } as never, {
    orderBy: { id: 'desc' } as never,
    limit: limit + 1,
  })) as T[];
  return {
    rows: rows.slice(0, limit),
    meta: {
      page_limit: limit,
      has_next_page: rows.length > limit,
      has_previous_page: Boolean(page.starting_after),
    },
  };
}
