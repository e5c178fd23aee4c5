import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { WebhookEvent } from '@switchyard/client';
import { secretFromBytes, signWebhook } from '@switchyard/core';
import { afterEach, expect, it } from 'vitest';
import { startReceiver } from './receiver.ts';

const secret = secretFromBytes(randomBytes(32));
let server: ReturnType<typeof startReceiver> | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function start(secrets: string | string[]) {
  const events: [WebhookEvent, string][] = [];
  server = startReceiver(secrets, (event, id) => events.push([event, id]));
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const deliver = (id: string, body: string, signWith = [secret]) =>
    fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...signWebhook({ id, timestamp: new Date(), body, secrets: signWith }),
      },
      body,
    });
  return { events, deliver, url };
}

it('accepts a signed delivery once, and refuses a forged one', async () => {
  const { events, deliver, url } = await start(secret);
  const body = JSON.stringify({ type: 'deal.won', timestamp: new Date().toISOString(), data: { id: 'd1' } });
  expect((await deliver('msg_1', body)).status).toBe(204);
  expect((await deliver('msg_1', body)).status).toBe(204); // a retry of the same message
  expect(events).toEqual([
    [{ type: 'deal.won', timestamp: expect.any(String), data: { id: 'd1' } }, 'msg_1'],
  ]);

  const forged = await deliver('msg_2', body, [secretFromBytes(randomBytes(32))]);
  expect(forged.status).toBe(400);
  expect(await forged.text()).toBe('invalid_signature');
  const notJson = await fetch(url, {
    method: 'POST',
    headers: signWebhook({ id: 'msg_3', timestamp: new Date(), body: 'hello', secrets: [secret] }),
    body: 'hello',
  });
  expect(notJson.status).toBe(400);
  expect(events).toHaveLength(1);
});

it('verifies with either secret during a rotation', async () => {
  const next = secretFromBytes(randomBytes(32));
  const { events, deliver } = await start([next, secret]);
  const body = JSON.stringify({ type: 'contact.created', timestamp: new Date().toISOString(), data: {} });
  expect((await deliver('old', body, [secret])).status).toBe(204);
  expect((await deliver('both', body, [secret, next])).status).toBe(204);
  expect(events.map(([, id]) => id)).toEqual(['old', 'both']);
});
