import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BUILT_IN_EVENT_TYPES, secretFromBytes, signWebhook } from '@switchyard/core';
import { verificationOutcome as reason } from '@switchyard/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BUILT_IN_EVENT_TYPE_NAMES,
  verifyExpressRequest,
  verifyFetchRequest,
  verifyNodeRequest,
  verifyWebhook,
  verifyWebhookSignature,
  WebhookVerificationError,
} from './index.ts';

const secret = secretFromBytes(randomBytes(32));
const now = new Date();
const body = JSON.stringify({
  type: 'deal.won',
  timestamp: now.toISOString(),
  data: { id: 'd1', amount: 5000 },
});

function signed(payload = body, secrets = [secret], at: Date = now) {
  return signWebhook({ id: 'msg_1', timestamp: at, body: payload, secrets });
}

describe('verifyWebhook', () => {
  it('returns the message id, timestamp and parsed event of an authentic delivery', () => {
    const out = verifyWebhook(body, signed(), secret);
    expect(out).toEqual({
      id: 'msg_1',
      timestamp: Math.floor(now.getTime() / 1000),
      event: { type: 'deal.won', timestamp: now.toISOString(), data: { id: 'd1', amount: 5000 } },
    });
  });

  it('accepts the exact bytes, Fetch Headers and mixed-case header names', () => {
    const headers = new Headers(signed());
    expect(verifyWebhook(new TextEncoder().encode(body), headers, secret).event.type).toBe('deal.won');
    const mixed = Object.fromEntries(Object.entries(signed()).map(([k, v]) => [k.toUpperCase(), v]));
    expect(verifyWebhook(body, mixed, secret).id).toBe('msg_1');
  });

  it('refuses a wrong secret, a changed body, missing headers and stale or future timestamps', () => {
    const other = secretFromBytes(randomBytes(32));
    expect(reason(() => verifyWebhook(body, signed(), other))).toBe('invalid_signature');
    expect(reason(() => verifyWebhook(body.replace('5000', '9000'), signed(), secret))).toBe(
      'invalid_signature',
    );
    expect(reason(() => verifyWebhook(body, {}, secret))).toBe('missing_headers');
    const sixMinutesAgo = new Date(now.getTime() - 6 * 60_000);
    expect(reason(() => verifyWebhook(body, signed(body, [secret], sixMinutesAgo), secret))).toBe(
      'timestamp_too_old',
    );
    const later = new Date(now.getTime() + 6 * 60_000);
    expect(reason(() => verifyWebhook(body, signed(body, [secret], later), secret))).toBe(
      'timestamp_too_new',
    );
    // The tolerance is the receiver's choice.
    const headers = signed(body, [secret], sixMinutesAgo);
    expect(reason(() => verifyWebhook(body, headers, secret, { toleranceSeconds: 600 }))).toBe('verified');
  });

  it('verifies across a secret rotation in both directions', () => {
    const next = secretFromBytes(randomBytes(32));
    // During the 24 h overlap the sender signs with both; a receiver that already has only the new one verifies.
    expect(verifyWebhook(body, signed(body, [secret, next]), next).id).toBe('msg_1');
    // A receiver that holds both verifies a delivery signed with either.
    expect(verifyWebhook(body, signed(body, [secret]), [next, secret]).id).toBe('msg_1');
    expect(verifyWebhook(body, signed(body, [next]), [next, secret]).id).toBe('msg_1');
  });

  it('checks non-JSON bodies with verifyWebhookSignature, and says so when verifyWebhook gets one', () => {
    const form = 'type=deal.won&data%5Bid%5D=d1';
    expect(verifyWebhookSignature(form, signed(form), secret)).toEqual({
      id: 'msg_1',
      timestamp: expect.any(Number),
    });
    expect(() => verifyWebhook(form, signed(form), secret)).toThrow(/verifyWebhookSignature/);
  });

  it('knows every built-in event type of the catalog', () => {
    expect([...BUILT_IN_EVENT_TYPE_NAMES].sort()).toEqual(BUILT_IN_EVENT_TYPES.map((e) => e.type).sort());
  });
});

describe('adapters, each behind a real HTTP server', () => {
  let server: http.Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  async function serve(handler: (req: http.IncomingMessage & { body?: unknown }) => Promise<unknown>) {
    server = http.createServer(async (req, res) => {
      try {
        const out = await handler(req);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(out));
      } catch (err) {
        res.writeHead(400).end(String((err as Error).message));
      }
    });
    await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    return (payload: string, headers: Record<string, string>) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: payload,
      });
  }

  it('Node http: reads the body stream', async () => {
    const post = await serve(async (req) => (await verifyNodeRequest(req, secret)).event);
    const ok = await post(body, signed());
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ type: 'deal.won', data: { id: 'd1' } });
    const bad = await post(body, signed(body, [secretFromBytes(randomBytes(32))]));
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/signature/);
  });

  it('Node http: refuses a body over maxBytes', async () => {
    const post = await serve(async (req) => (await verifyNodeRequest(req, secret, { maxBytes: 10 })).event);
    const res = await post(body, signed());
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/larger than 10 bytes/);
  });

  it('Express-style: takes the raw body a middleware put on req.body, refuses a parsed one', async () => {
    let parse = false;
    const post = await serve(async (req) => {
      // What express.raw() does (a Buffer on req.body), or express.json() (an object) when `parse` is set.
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const raw = Buffer.concat(chunks);
      req.body = parse ? JSON.parse(raw.toString()) : raw;
      return verifyExpressRequest(req, secret).event;
    });
    expect(await (await post(body, signed())).json()).toMatchObject({ type: 'deal.won' });
    parse = true;
    const res = await post(body, signed());
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/express\.raw/);
  });

  it('Fetch Request', async () => {
    const request = new Request('http://receiver.test/hook', { method: 'POST', headers: signed(), body });
    const out = await verifyFetchRequest(request, secret);
    expect(out.event).toMatchObject({ type: 'deal.won', data: { amount: 5000 } });
    const forged = new Request('http://receiver.test/hook', {
      method: 'POST',
      headers: signed(),
      body: `${body} `,
    });
    await expect(verifyFetchRequest(forged, secret)).rejects.toBeInstanceOf(WebhookVerificationError);
  });
});
