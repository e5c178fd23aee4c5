import { expect, it } from 'vitest';
import { serverForFile } from '../testing/index.ts';
import { keyWithScopes } from '../webhooks/testHelpers.ts';
import { createAccount } from './service.ts';

const srv = serverForFile();
const call = srv.call;

it('shows the account and changes only the settings given', async () => {
  const before = (await call('GET', '/v1/account')).body.data;
  expect(before).toMatchObject({
    object: 'account',
    id: srv.accountId,
    time_zone: 'UTC',
    notification_email: null,
    stop_events: [],
  });

  const patched = await call('PATCH', '/v1/account', {
    time_zone: 'Europe/Paris',
    notification_email: 'ops@acme.test',
    stop_events: ['new_lead', 'signed_up', 'new_lead'],
  });
  expect(patched.status, JSON.stringify(patched.body)).toBe(200);
  expect(patched.body.data).toMatchObject({
    name: before.name,
    time_zone: 'Europe/Paris',
    notification_email: 'ops@acme.test',
    stop_events: ['new_lead', 'signed_up'],
  });
  // Timestamps follow the zone (+01:00 or +02:00 in Paris).
  expect(patched.body.data.created_at).toMatch(/\+0[12]:00$/);
  expect((await call('GET', '/v1/account')).body.data).toEqual(patched.body.data);

  // Removing the e-mail leaves the rest.
  const cleared = await call('PATCH', '/v1/account', { notification_email: null });
  expect(cleared.body.data).toMatchObject({ notification_email: null, time_zone: 'Europe/Paris' });
});

it('refuses a bad time zone or e-mail with validation_error and changes nothing', async () => {
  const before = (await call('GET', '/v1/account')).body.data;
  const zone = await call('PATCH', '/v1/account', { time_zone: 'Mars/Olympus_Mons', name: 'Renamed' });
  expect(zone.status).toBe(400);
  expect(zone.body.error).toMatchObject({ code: 'validation_error', details: [{ path: 'time_zone' }] });
  const email = await call('PATCH', '/v1/account', { notification_email: 'not an address' });
  expect(email.status).toBe(400);
  expect(email.body.error.code).toBe('validation_error');
  expect((await call('GET', '/v1/account')).body.data).toEqual(before);
});

it("a workflow's stop event must be one of the account's once it lists any", async () => {
  await call('PATCH', '/v1/account', { stop_events: ['new_lead', 'signed_up'] });
  const bad = await call('POST', '/v1/workflows', { name: 'Nurture', stop_event: 'deal.lost' });
  expect(bad.status).toBe(400);
  expect(bad.body.error.details).toEqual([
    { path: 'stop_event', message: "must be one of the account's stop events: new_lead, signed_up" },
  ]);
  const ok = await call('POST', '/v1/workflows', { name: 'Nurture', stop_event: 'signed_up' });
  expect(ok.status, JSON.stringify(ok.body)).toBe(201);
  const update = await call('PUT', `/v1/workflows/${ok.body.data.id}`, { stop_event: 'nope' });
  expect(update.status).toBe(400);

  // The stop route takes the same names.
  const stopUnknown = await call('POST', '/v1/executions/stop', { stop_event: 'nope' });
  expect(stopUnknown.status).toBe(400);
  expect(stopUnknown.body.error.details[0].path).toBe('stop_event');
  const stop = await call('POST', '/v1/executions/stop', { stop_event: 'signed_up' });
  expect(stop.status, JSON.stringify(stop.body)).toBe(200);
  expect(stop.body.data).toEqual({ stopped: 0, execution_ids: [] });
});

it('needs the admin scope and shows each key its own account', async () => {
  const reader = await keyWithScopes(call, ['users:read']);
  expect((await call('GET', '/v1/account', undefined, { key: reader })).status).toBe(403);
  expect((await call('PATCH', '/v1/account', { name: 'x' }, { key: reader })).status).toBe(403);
  const other = await createAccount(srv.deps.orm.em.fork(), { name: 'Other' });
  const theirs = await call('GET', '/v1/account', undefined, { key: other.apiKey });
  expect(theirs.body.data).toMatchObject({ id: other.account.id, name: 'Other', stop_events: [] });
});
