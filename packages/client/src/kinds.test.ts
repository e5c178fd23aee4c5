import type { AddressInfo } from 'node:net';
import { initTRPC } from '@trpc/server';
import { createHTTPServer } from '@trpc/server/adapters/standalone';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { procedureKinds } from '../scripts/procedures.ts';
import { clientFor } from './client.ts';

// The client calls each procedure as the router defines it (query → GET, mutation → POST), from the map the
// generator reads off the router; nothing is guessed from names. This router breaks every naming habit on
// purpose, served by tRPC's own adapter.
const t = initTRPC.create();
let created = 0;
const oddRouter = t.router({
  catalog: t.procedure.query(() => ({ data: ['deal.won'] })),
  getOrCreate: t.procedure
    .input((v) => v as { name: string })
    .mutation(({ input }) => {
      created++;
      return { data: { name: input.name, n: created } };
    }),
  things: t.router({
    list: t.procedure.query(() => ({ data: ['plain'] })),
    listMatching: t.procedure
      .input((v) => v as { starting_after?: string; limit?: number })
      .query(({ input }) => {
        const all = [{ id: 'c' }, { id: 'b' }, { id: 'a' }];
        const from = input.starting_after ? all.findIndex((x) => x.id === input.starting_after) + 1 : 0;
        const data = all.slice(from, from + 1);
        return {
          data,
          meta: { page_limit: 1, has_next_page: from + 1 < all.length, has_previous_page: from > 0 },
        };
      }),
  }),
});

let server: ReturnType<typeof createHTTPServer>;
let url: string;
beforeAll(async () => {
  server = createHTTPServer({ router: oddRouter, basePath: '/trpc/' });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

it('reads each kind off the router, paginated lists by their cursor input', () => {
  // A zod-free router: tRPC keeps no shape for a plain input function, so `listMatching` counts as a plain query.
  expect(procedureKinds(oddRouter)).toEqual({
    catalog: 'query',
    getOrCreate: 'mutation',
    'things.list': 'query',
    'things.listMatching': 'query',
  });
});

it('sends a query not named get/list as GET and a mutation named get… as POST, each exactly once', async () => {
  const methods: string[] = [];
  const client = clientFor<typeof oddRouter>(
    {
      baseUrl: url,
      apiKey: 'unused',
      fetch: (input, init) => {
        methods.push((input as Request).method);
        return fetch(input, init);
      },
    },
    procedureKinds(oddRouter),
  );
  expect(await client.catalog()).toEqual(['deal.won']);
  expect(await client.getOrCreate({ name: 'a' })).toEqual({ name: 'a', n: 1 });
  expect(await client.things.list()).toEqual(['plain']);
  expect(methods).toEqual(['GET', 'POST', 'GET']);
  expect(created).toBe(1);
  // Only what the map names exists: no method is made up from a name.
  expect(Object.keys(client).sort()).toEqual(['catalog', 'getOrCreate', 'things']);
  expect(Object.keys(client.things).sort()).toEqual(['list', 'listMatching']);
});

it('gives a paginated procedure a …All iterator that walks its pages', async () => {
  const client = clientFor<typeof oddRouter>(
    { baseUrl: url, apiKey: 'unused' },
    {
      ...procedureKinds(oddRouter),
      'things.listMatching': 'paginated',
    },
  );
  const ids: string[] = [];
  for await (const item of client.things.listMatchingAll({ limit: 1 })) ids.push(item.id);
  expect(ids).toEqual(['c', 'b', 'a']);
  expect(Object.keys(client.things).sort()).toEqual(['list', 'listMatching', 'listMatchingAll']);
});
