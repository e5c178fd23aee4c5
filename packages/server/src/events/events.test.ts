import { describe, expect, it } from 'vitest';
import { createAccount } from '../accounts/service.ts';
import { serverForFile } from '../testing/index.ts';
import { apiCaller, keyWithScopes } from '../webhooks/testHelpers.ts';

const srv = serverForFile();
const call = srv.call;

async function countEvents(): Promise<number> {
  const [row] = await srv.deps.orm.em.fork().execute<{ n: string }[]>('select count(*) as n from events');
  return Number(row?.n);
}

describe('POST /v1/events', () => {
  it('accepts an event with 202 and its id, and stores it as sent', async () => {
    const res = await call('POST', '/v1/events', {
      type: 'deal.won',
      entity_id: 42,
      data: { id: 42, name: 'Acme renewal', amount: 1200 },
      user_key: 'main',
      occurred_at: '2026-11-20T10:00:00Z',
    });
    expect(res.status).toBe(202);
    expect(res.body.data).toEqual({ id: expect.any(String), duplicate: false });
    const got = await call('GET', `/v1/events/${res.body.data.id}`);
    expect(got.status).toBe(200);
    expect(got.body.data).toMatchObject({
      object: 'event',
      type: 'deal.won',
      entity: 'deal',
      entity_id: '42',
      data: { name: 'Acme renewal', amount: 1200 },
      previous: null,
      occurred_at_utc: '2026-11-20T10:00:00Z',
      caused_by: [],
    });
  });

  it('knows `previous` from the last snapshot of the entity when the host does not send it', async () => {
    await call('POST', '/v1/events', { type: 'deal.created', data: { id: 'd-7', status: 'Lost' } });
    const second = await call('POST', '/v1/events', {
      type: 'deal.updated',
      data: { id: 'd-7', status: 'Open' },
    });
    const ev = await call('GET', `/v1/events/${second.body.data.id}`);
    expect(ev.body.data.previous).toEqual({ id: 'd-7', status: 'Lost' });
    // An explicit previous wins; the snapshot still moves on.
    const third = await call('POST', '/v1/events', {
      type: 'deal.updated',
      data: { id: 'd-7', status: 'Won' },
      previous: { status: 'Negotiation' },
    });
    expect((await call('GET', `/v1/events/${third.body.data.id}`)).body.data.previous).toEqual({
      status: 'Negotiation',
    });
    const fourth = await call('POST', '/v1/events', {
      type: 'deal.updated',
      data: { id: 'd-7', status: 'Paid' },
    });
    expect((await call('GET', `/v1/events/${fourth.body.data.id}`)).body.data.previous).toEqual({
      id: 'd-7',
      status: 'Won',
    });
  });

  it('an older event arriving late does not overwrite the newer snapshot', async () => {
    await call('POST', '/v1/events', {
      type: 'contact.updated',
      data: { id: 'c1', v: 2 },
      occurred_at: '2026-11-21T00:00:00Z',
    });
    await call('POST', '/v1/events', {
      type: 'contact.updated',
      data: { id: 'c1', v: 1 },
      occurred_at: '2026-11-20T00:00:00Z',
    });
    const next = await call('POST', '/v1/events', { type: 'contact.updated', data: { id: 'c1', v: 3 } });
    expect((await call('GET', `/v1/events/${next.body.data.id}`)).body.data.previous).toEqual({
      id: 'c1',
      v: 2,
    });
  });

  it("deduplicates by the event's own id", async () => {
    const before = await countEvents();
    const body = { id: 'host-evt-1', type: 'contact.created', data: { id: 'c9' } };
    const first = await call('POST', '/v1/events', body);
    const again = await call('POST', '/v1/events', { ...body, data: { id: 'c9', changed: true } });
    expect(again.status).toBe(202);
    expect(again.body.data).toEqual({ id: first.body.data.id, duplicate: true });
    expect(await countEvents()).toBe(before + 1);
  });

  it('deduplicates by Idempotency-Key, replaying the first answer', async () => {
    const before = await countEvents();
    const headers = { 'idempotency-key': 'evt-key-1' };
    const body = { type: 'task.created', data: { id: 't1' } };
    const [a, b] = await Promise.all([
      call('POST', '/v1/events', body, { headers }),
      call('POST', '/v1/events', body, { headers }),
    ]);
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    expect(b.body.data.id).toBe(a.body.data.id);
    expect(await countEvents()).toBe(before + 1);
  });

  it('accepts any well-formed name, matching nothing or not, and adds it to the catalog as sent', async () => {
    for (const type of ['new_user', 'email-sent', 'Lead.Created', 'crm:deal.archived']) {
      const res = await call('POST', '/v1/events', { type, data: {} });
      expect(res.status, type).toBe(202);
    }
    const catalog = (await call('GET', '/v1/event-types')).body.data as { type: string; origin: string }[];
    expect(catalog.filter((t) => t.origin === 'sent').map((t) => t.type)).toEqual(
      expect.arrayContaining(['new_user', 'email-sent', 'Lead.Created', 'crm:deal.archived']),
    );
    // Sent again: listed once.
    await call('POST', '/v1/events', { type: 'new_user', data: {} });
    const again = (await call('GET', '/v1/event-types')).body.data as { type: string }[];
    expect(again.filter((t) => t.type === 'new_user')).toHaveLength(1);
  });

  it('refuses malformed names (validation_error) and system-only types (invalid_events), storing nothing', async () => {
    const before = await countEvents();
    const malformed = await call('POST', '/v1/events', { type: 'deal exploded', data: {} });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('validation_error');
    expect(malformed.body.error.details).toEqual([
      { path: 'type', message: expect.stringContaining('"deal exploded" is not a valid event name') },
    ]);
    const forged = await call('POST', '/v1/events', { type: 'webhook.disabled', data: {} });
    expect(forged.status).toBe(400);
    expect(forged.body.error.code).toBe('invalid_events');
    const forgedOwn = await call('POST', '/v1/events', { type: 'workflow.anything', data: {} });
    expect(forgedOwn.body.error.code).toBe('invalid_events');
    const missing = await call('POST', '/v1/events', { data: {} });
    expect(missing.body.error.code).toBe('missing_required_field');
    expect(await countEvents()).toBe(before);
  });

  it('needs the events:write scope', async () => {
    const key = await keyWithScopes(call, ['webhooks:read']);
    const res = await call('POST', '/v1/events', { type: 'deal.won', data: {} }, { key });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('insufficient_permissions');
  });
});

describe('POST /v1/events/batch', () => {
  it('accepts many events in request order', async () => {
    const events = Array.from({ length: 50 }, (_, i) => ({ type: 'email.sent', data: { id: `m${i}` } }));
    const res = await call('POST', '/v1/events/batch', { events });
    expect(res.status).toBe(202);
    expect(res.body.data).toHaveLength(50);
    const first = await call('GET', `/v1/events/${res.body.data[0].id}`);
    expect(first.body.data.data).toEqual({ id: 'm0' });
  });

  it('is all or nothing: one malformed name refuses the batch, naming its index', async () => {
    const before = await countEvents();
    const res = await call('POST', '/v1/events/batch', {
      events: [
        { type: 'email.sent', data: {} },
        { type: 'email nope', data: {} },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.details[0].path).toBe('events[1].type');
    expect(await countEvents()).toBe(before);
  });

  it('takes at most 1,000 events', async () => {
    const events = Array.from({ length: 1001 }, () => ({ type: 'email.sent', data: {} }));
    const res = await call('POST', '/v1/events/batch', { events });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
  });
});

describe('GET /v1/events', () => {
  it('lists newest first, filters by type and never shows another account’s events', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(
        (await call('POST', '/v1/events', { type: 'meeting.scheduled', data: { n: i } })).body.data.id,
      );
    }
    const list = await call('GET', '/v1/events?type=meeting.scheduled&limit=2');
    expect(list.body.data.map((e: { id: string }) => e.id)).toEqual([ids[2], ids[1]]);
    expect(list.body.meta).toMatchObject({ page_limit: 2, has_next_page: true });

    const other = await createAccount(srv.deps.orm.em.fork(), { name: 'Other' });
    const theirs = await call('GET', `/v1/events/${ids[0]}`, undefined, { key: other.apiKey });
    expect(theirs.status).toBe(404);
    const theirList = await call('GET', '/v1/events', undefined, { key: other.apiKey });
    expect(theirList.body.data).toEqual([]);
  });
});

describe('event types', () => {
  it('lists the 28 built-in types and registers the account’s own', async () => {
    // An account of its own: the other tests' events put names in this one's catalog.
    const { apiKey, publishableKey } = await createAccount(srv.deps.orm.em.fork(), { name: 'Catalog' });
    const other = apiCaller(srv);
    const call = (method: string, path: string, body?: unknown) => other(method, path, body, { key: apiKey });
    const catalog = await call('GET', '/v1/event-types');
    expect(catalog.status).toBe(200);
    expect(catalog.body.data).toHaveLength(28);
    expect(catalog.body.data[0]).toMatchObject({
      type: 'contact.created',
      entity: 'contact',
      built_in: true,
    });

    const created = await call('POST', '/v1/event-types', {
      type: 'invoice.paid',
      description: 'An invoice was paid',
    });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ type: 'invoice.paid', entity: 'invoice', built_in: false });
    expect((await call('GET', '/v1/event-types')).body.data).toHaveLength(29);

    const dup = await call('POST', '/v1/event-types', { type: 'invoice.paid' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('duplicate_name');
    const bad = await call('POST', '/v1/event-types', { type: 'Invoice Paid' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_error');
    const builtIn = await call('POST', '/v1/event-types', { type: 'deal.won' });
    expect(builtIn.status).toBe(400);

    const ev = await call('POST', '/v1/events', { type: 'invoice.paid', data: { id: 'inv-1' } });
    expect(ev.status).toBe(202);

    // A name only sent so far is listed as sent; registering it makes it registered (not a 409).
    await call('POST', '/v1/events', { type: 'invoice.voided', data: {} });
    const sent = (await call('GET', '/v1/event-types')).body.data.find(
      (t: any) => t.type === 'invoice.voided',
    );
    expect(sent).toMatchObject({ built_in: false, origin: 'sent', description: null });
    const registered = await call('POST', '/v1/event-types', {
      type: 'invoice.voided',
      description: 'An invoice was voided',
    });
    expect(registered.status).toBe(201);
    expect(registered.body.data).toMatchObject({
      origin: 'registered',
      description: 'An invoice was voided',
    });

    // The publishable key reads the same catalog (and nothing else).
    const pk = await other('GET', '/v1/event-types', undefined, { key: publishableKey });
    expect(pk.status).toBe(200);
    expect(pk.body.data).toHaveLength(30);
  });
});

describe('where events go when webhooks and workflows change', () => {
  // Each case in its own account, so the routing it sees is its own.
  async function freshAccount() {
    const { apiKey } = await createAccount(srv.deps.orm.em.fork(), { name: 'Routing' });
    const call = apiCaller(srv);
    return (method: string, path: string, body?: unknown) => call(method, path, body, { key: apiKey });
  }
  const deliveriesOf = async (c: Awaited<ReturnType<typeof freshAccount>>, hook: string) => {
    const res = await c('GET', `/v1/webhooks/${hook}/deliveries?limit=100`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data.map((d: { event_id: string }) => d.event_id);
  };

  it('the next event sees a webhook created, paused, resumed or filtered, even when changed behind this process', async () => {
    const c = await freshAccount();
    const post = async (status: string) =>
      (await c('POST', '/v1/events', { type: 'deal.updated', data: { id: 'r1', status } })).body.data.id;
    const before = await post('open'); // no webhook yet: nothing to deliver
    const created = await c('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/hook', events: ['deal.*'] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const hook = created.body.data.webhook.id;
    const first = await post('open');
    expect(await deliveriesOf(c, hook)).toEqual([first]);

    await c('PATCH', `/v1/webhooks/${hook}`, { active: false });
    await post('paused');
    await c('PATCH', `/v1/webhooks/${hook}`, { active: true });
    const resumed = await post('open');
    expect((await deliveriesOf(c, hook)).sort()).toEqual([first, resumed].sort());

    // Another process pauses it (straight in the database): this process's routing is stale, and must notice.
    await srv.deps.orm.em.fork().execute(`update webhooks set status = 'paused' where id = ?`, [hook]);
    await post('open');
    expect(await deliveriesOf(c, hook)).toHaveLength(2);
    await srv.deps.orm.em.fork().execute(`update webhooks set status = 'active' where id = ?`, [hook]);

    // A from→to filter: only the change to won is delivered, judged on the snapshot before the event.
    await c('PATCH', `/v1/webhooks/${hook}`, { filters: { field: 'status', to: 'won' } });
    await post('lost');
    const won = await post('won');
    expect(await deliveriesOf(c, hook)).toContain(won);
    expect(await deliveriesOf(c, hook)).toHaveLength(3);
    expect(await deliveriesOf(c, hook)).not.toContain(before);
  });

  it('a resent event id changes no snapshot, and a batch naming one entity twice chains its previous', async () => {
    const c = await freshAccount();
    await c('POST', '/v1/events', { id: 'h-1', type: 'contact.updated', data: { id: 'p1', v: 1 } });
    await c('POST', '/v1/events', { id: 'h-2', type: 'contact.updated', data: { id: 'p1', v: 2 } });
    const again = await c('POST', '/v1/events', {
      id: 'h-1',
      type: 'contact.updated',
      data: { id: 'p1', v: 1 },
    });
    expect(again.body.data.duplicate).toBe(true);
    const next = await c('POST', '/v1/events', { type: 'contact.updated', data: { id: 'p1', v: 3 } });
    expect((await c('GET', `/v1/events/${next.body.data.id}`)).body.data.previous).toEqual({
      id: 'p1',
      v: 2,
    });

    const batch = await c('POST', '/v1/events/batch', {
      events: [
        { type: 'contact.updated', data: { id: 'p1', v: 4 } },
        { type: 'contact.updated', data: { id: 'p1', v: 5 } },
        { id: 'h-2', type: 'contact.updated', data: { id: 'p1', v: 2 } },
      ],
    });
    expect(batch.body.data.map((e: { duplicate: boolean }) => e.duplicate)).toEqual([false, false, true]);
    const second = await c('GET', `/v1/events/${batch.body.data[1].id}`);
    expect(second.body.data.previous).toEqual({ id: 'p1', v: 4 });
  });
});
