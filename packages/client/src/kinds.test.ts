import type { AddressInfo } from 'node:net';
import { initTRPC } from '@trpc/server';
import { createHTTPServer } from '@trpc/server/adapters/standalone';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient } from './index.ts';

// The client guesses query or mutation from a procedure's name and learns from the server when the guess is wrong.
// Switchyard's routers follow the naming today, so this router breaks it on purpose, served by tRPC's own adapter.
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
});

let server: ReturnType<typeof createHTTPServer>;
let url: string;
beforeAll(async () => {
  server = createHTTPServer({ router: oddRouter, basePath: '/trpc/' });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

it('calls a query not named get/list and a mutation named get…, each exactly once', async () => {
  const methods: string[] = [];
  const client = createClient<typeof oddRouter>({
    baseUrl: url,
    apiKey: 'unused',
    fetch: (input, init) => {
      methods.push(init?.method ?? 'GET');
      return fetch(input, init);
    },
  });
  expect(await client.catalog()).toEqual(['deal.won']);
  expect(await client.getOrCreate({ name: 'a' })).toEqual({ name: 'a', n: 1 });
  expect(created).toBe(1);
  // Guessed wrong once each (the server refuses before running anything), then remembered.
  expect(methods).toEqual(['POST', 'GET', 'GET', 'POST']);
  methods.length = 0;
  await client.catalog();
  await client.getOrCreate({ name: 'b' });
  expect(methods).toEqual(['GET', 'POST']);
  expect(created).toBe(2);
});
