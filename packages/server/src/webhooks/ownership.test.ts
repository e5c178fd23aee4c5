import { describe, expect, it } from 'vitest';
import { serverForFile } from '../testing/index.ts';

const srv = serverForFile();
const call = srv.call;

async function hook(body: Record<string, unknown>): Promise<string> {
  const res = await call('POST', '/v1/webhooks', { events: ['deal.*'], ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data.webhook.id;
}

async function deliveredTo(eventId: string): Promise<string[]> {
  const rows = await srv.deps.orm.em
    .fork()
    .execute<{ webhook_id: string }[]>(
      'select webhook_id from deliveries where event_id = ? order by webhook_id',
      [eventId],
    );
  return rows.map((r) => r.webhook_id).sort();
}

async function send(userKey: string, data: Record<string, unknown> = {}) {
  const res = await call('POST', '/v1/events', {
    type: 'deal.won',
    user_key: userKey,
    data: { id: 'd', ...data },
  });
  expect(res.status).toBe(202);
  return res.body.data.id as string;
}

// Two paths store events: one statement from a cached routing (no filters, no workflow), and the general path
// (a filtered endpoint matches). A user's endpoint gets that user's events on both; the account's get every one.
describe("a user's endpoint receives only that user's events", () => {
  it('on the one-statement path, with the routing cache', async () => {
    const account = await hook({ url: 'http://127.0.0.1:9/account' });
    const ada = await hook({ url: 'http://127.0.0.1:9/ada', user_key: 'ada' });
    const bob = await hook({ url: 'http://127.0.0.1:9/bob', user_key: 'bob' });
    expect(await deliveredTo(await send('ada'))).toEqual([account, ada].sort());
    expect(await deliveredTo(await send('bob'))).toEqual([account, bob].sort());
    expect(await deliveredTo(await send('main'))).toEqual([account]);
    // The cached routing follows a pause, as before.
    await call('PATCH', `/v1/webhooks/${ada}`, { active: false });
    expect(await deliveredTo(await send('ada'))).toEqual([account]);
    await call('PATCH', `/v1/webhooks/${ada}`, { active: true });
    expect(await deliveredTo(await send('ada'))).toEqual([account, ada].sort());
    for (const id of [account, ada, bob]) await call('DELETE', `/v1/webhooks/${id}`);
  });

  it('on the general path (filtered endpoints), and in a batch mixing users', async () => {
    const account = await hook({
      url: 'http://127.0.0.1:9/f-account',
      filters: { field: 'amount', operator: 'greater_than', value: 1 },
    });
    const ada = await hook({
      url: 'http://127.0.0.1:9/f-ada',
      user_key: 'ada',
      filters: { field: 'amount', operator: 'greater_than', value: 1 },
    });
    expect(await deliveredTo(await send('ada', { amount: 5 }))).toEqual([account, ada].sort());
    expect(await deliveredTo(await send('bob', { amount: 5 }))).toEqual([account]);
    expect(await deliveredTo(await send('ada', { amount: 0 }))).toEqual([]);

    const batch = await call('POST', '/v1/events/batch', {
      events: [
        { type: 'deal.won', user_key: 'ada', data: { id: 'b1', amount: 9 } },
        { type: 'deal.won', user_key: 'bob', data: { id: 'b2', amount: 9 } },
      ],
    });
    expect(batch.status).toBe(202);
    const [forAda, forBob] = batch.body.data.map((e: { id: string }) => e.id);
    expect(await deliveredTo(forAda)).toEqual([account, ada].sort());
    expect(await deliveredTo(forBob)).toEqual([account]);
  });
});
