import type { CallOptions, Page } from './types.ts';

/** A list call: cursor input in, one page out. */
export type ListFn<I, T extends { id: string }> = (input: I, opts?: CallOptions) => Promise<Page<T>>;

/** The input of {@link paginate}: the list's input without the cursors. */
// biome-ignore lint/suspicious/noConfusingVoidType: tRPC types an all-optional input as `void | T`
export type PaginateInput<I> = Omit<Exclude<I, void | undefined>, 'starting_after' | 'ending_before'>;

/**
 * Every item of a cursor-paginated list, page after page (newest first): each next page starts after the last id of
 * the one before, until `has_next_page` is false. Pages are fetched as the loop asks for them, so `break` stops early.
 *
 * @example
 * for await (const user of paginate(client.users.list, { limit: 100 })) console.log(user.key);
 */
export async function* paginate<I, T extends { id: string }>(
  list: ListFn<I, T>,
  input?: PaginateInput<I>,
  opts: Pick<CallOptions, 'signal'> = {},
): AsyncGenerator<T, void, undefined> {
  let cursor: string | undefined;
  for (;;) {
    const pageInput = { ...input, ...(cursor ? { starting_after: cursor } : {}) } as I;
    const page = await list(pageInput, opts);
    yield* page.data;
    const last = page.data.at(-1);
    if (!page.meta.has_next_page || !last) return;
    cursor = last.id;
  }
}
