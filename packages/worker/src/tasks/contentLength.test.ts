import { createHmac } from 'node:crypto';
import net from 'node:net';
import { apiCaller } from '@switchyard/server/testing';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USER_AGENT } from '../outbound/client.ts';
import { type ServerAndWorker, startServerAndWorker } from '../testSupport.ts';

/** One request as a strict receiver saw it: its headers and exactly Content-Length bytes of body. */
interface Seen {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * A receiver written the way Python's `http.server` handlers are: read the head, then `rfile.read(Content-Length)`
 * bytes — no chunked decoding, no reading to the end of the connection. A body sent chunked or without a length
 * comes out empty here, as it did there. Raw `node:net`, so nothing in between helps.
 */
async function startStrictReceiver() {
  const seen: Seen[] = [];
  const server = net.createServer((socket) => {
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const [line = '', ...lines] = buffer.subarray(0, end).toString('latin1').split('\r\n');
        const headers: Record<string, string> = {};
        for (const l of lines) {
          const i = l.indexOf(':');
          headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
        }
        const length = Number(headers['content-length'] ?? 0);
        if (buffer.length < end + 4 + length) return; // the rest of the body is still on its way
        const body = buffer.subarray(end + 4, end + 4 + length);
        buffer = buffer.subarray(end + 4 + length);
        const [method = '', path = ''] = line.split(' ');
        seen.push({ method, path, headers, body: Buffer.from(body) });
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok');
      }
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let env: ServerAndWorker;
let rx: Awaited<ReturnType<typeof startStrictReceiver>>;
beforeAll(async () => {
  rx = await startStrictReceiver();
  env = await startServerAndWorker({ WEBHOOK_RETRY_SCHEDULE: '0,200ms', WEBHOOK_RETRY_JITTER: '0' });
});
afterAll(async () => {
  await env?.close();
  await rx?.close();
});

async function until<T>(check: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('delivery bodies', () => {
  it('arrive whole at a receiver that reads exactly Content-Length bytes, for every content type and size', async () => {
    const call = apiCaller(env.srv);
    const types = ['application/json', 'application/x-www-form-urlencoded', 'text/plain'] as const;
    const secrets = new Map<string, string>();
    for (const type of types) {
      const created = await call('POST', '/v1/webhooks', {
        url: `${rx.url}/${type.split('/')[1]}`,
        events: ['deal.won'],
        content_type: type,
        // The test ping at creation is sent by the API process itself: it must arrive whole too.
        test_delivery: true,
      });
      expect(created.status).toBe(201);
      expect(created.body.data.test_delivery.status).toBe('succeeded');
      secrets.set(`/${type.split('/')[1]}`, created.body.data.webhook.secret);
    }
    const events = [
      { id: 'small', title: 'Acme' },
      { id: 'unicode', title: 'Crème brûlée 🍮 — ünïcødé' },
      { id: 'large', title: 'x'.repeat(100_000), notes: 'é'.repeat(20_000) },
    ];
    for (const data of events) {
      expect((await call('POST', '/v1/events', { type: 'deal.won', data })).status).toBe(202);
    }
    const pings = types.length;
    const all = await until(() =>
      rx.seen.length >= pings + types.length * events.length ? rx.seen : undefined,
    );
    expect(all).toHaveLength(pings + types.length * events.length);

    for (const req of all) {
      // Sent whole, with its length: never chunked, and nothing a browser would add.
      expect(req.headers['transfer-encoding']).toBeUndefined();
      expect(Number(req.headers['content-length'])).toBe(req.body.length);
      expect(req.body.length).toBeGreaterThan(0);
      expect(req.headers['user-agent']).toBe(USER_AGENT);
      for (const browserOnly of ['sec-fetch-mode', 'accept-language', 'sec-fetch-site', 'origin']) {
        expect(req.headers[browserOnly], browserOnly).toBeUndefined();
      }
      // The signature covers the exact body: it verifies only if every byte arrived (the Standard Webhooks library
      // for JSON, which it parses; the scheme's HMAC by hand for the others).
      const secret = secrets.get(req.path) as string;
      const text = req.body.toString('utf8');
      if (req.path === '/json') expect(() => new Webhook(secret).verify(text, req.headers)).not.toThrow();
      const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
      const signed = `${req.headers['webhook-id']}.${req.headers['webhook-timestamp']}.${text}`;
      const expected = createHmac('sha256', key).update(signed).digest('base64');
      expect(req.headers['webhook-signature']?.split(' ')).toContain(`v1,${expected}`);
    }
    const delivered = all.filter((r) => !r.body.toString('utf8').includes('webhook.test'));
    for (const data of events) {
      const json = delivered.find(
        (r) => r.path === '/json' && JSON.parse(r.body.toString('utf8')).data.id === data.id,
      );
      expect(JSON.parse(json?.body.toString('utf8') ?? '{}').data).toEqual(data);
      const form = delivered.find(
        (r) =>
          r.path === '/x-www-form-urlencoded' &&
          new URLSearchParams(r.body.toString('utf8')).get('data[id]') === data.id,
      );
      expect(new URLSearchParams(form?.body.toString('utf8')).get('data[title]')).toBe(data.title);
      const plain = delivered.find(
        (r) => r.path === '/plain' && JSON.parse(r.body.toString('utf8')).data.id === data.id,
      );
      expect(JSON.parse(plain?.body.toString('utf8') ?? '{}').data).toEqual(data);
    }
  });
});
