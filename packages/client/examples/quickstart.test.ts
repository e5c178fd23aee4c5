import { createClient } from '@switchyard/client';
import { startTestServer, type TestServer } from '@switchyard/server/testing';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { quickstart } from './quickstart.ts';
import { restQuickstart } from './rest.ts';

let srv: TestServer;
beforeAll(async () => {
  srv = await startTestServer();
});
afterAll(() => srv?.close());
afterEach(() => vi.restoreAllMocks());

function captureLog() {
  const lines: unknown[][] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args));
  return lines;
}

it('the TypeScript quickstart runs against the real server and prints what the README says', async () => {
  const lines = captureLog();
  const ada = await quickstart(srv.url, srv.apiKey);
  expect(ada).toMatchObject({ object: 'user', key: 'ada', config: { user_data: { plan: 'pro' } } });
  expect(lines[0]).toEqual([ada.id, ada.created_at_utc]);
  expect(lines[1]).toEqual([expect.stringMatching(/^[0-9a-f-]{36}$/), false]);
  const event = await createClient({ baseUrl: srv.url, apiKey: srv.apiKey }).events.get({
    id: lines[1]?.[0] as string,
  });
  expect(event).toMatchObject({ type: 'deal.won', user_key: 'ada', entity: 'deal', entity_id: 'deal_1' });
  // The account's admin user `main` and `ada`, newest first.
  expect(lines.slice(2, 4)).toEqual([['ada'], ['main']]);
  expect(lines[4]).toEqual([404, expect.stringMatching(/^[0-9a-f-]{36}$/)]);
});

it('the REST quickstart (openapi-fetch over the generated types) runs against the real server', async () => {
  const lines = captureLog();
  const out = await restQuickstart(srv.url, srv.apiKey);
  expect(out.put.response.status).toBe(200);
  expect(out.put.data?.data).toMatchObject({ object: 'user', key: 'grace', name: 'Grace Hopper' });
  expect(out.missing.response.status).toBe(404);
  expect(out.missing.error?.error).toMatchObject({ code: 'not_found', request_id: expect.any(String) });
  expect(out.first.response.status).toBe(201);
  expect(out.retry.response.headers.get('idempotent-replayed')).toBe('true');
  expect(lines[2]).toEqual([true]);
  expect(out.page.data?.data[0]?.key).toBe('grace');
  expect(lines[3]).toEqual([expect.arrayContaining(['grace', 'ada', 'main']), false]);
});
