import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from './errors.ts';
import { secretFromBytes, signWebhook, verifyWebhook } from './signing.ts';
import { verificationOutcome as reason } from './testing.ts';

const bytes = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
const SECRET = secretFromBytes(bytes(32));
const OTHER = secretFromBytes(bytes(32, 7));
const NOW = new Date('2026-11-22T12:00:00Z');
const TS = Math.floor(NOW.getTime() / 1000);

describe('secrets', () => {
  it('are whsec_ + base64 of at least 24 bytes', () => {
    expect(secretFromBytes(bytes(24))).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(() => secretFromBytes(bytes(23))).toThrow(InvalidInputError);
  });
});

describe('signWebhook / verifyWebhook', () => {
  const body = '{"type":"deal.won","timestamp":"2026-11-22T12:00:00.000Z","data":{"id":1}}';

  it('signs with the Standard Webhooks headers and verifies', () => {
    const headers = signWebhook({ id: 'msg_1', timestamp: NOW, body, secrets: [SECRET] });
    expect(headers['webhook-id']).toBe('msg_1');
    expect(headers['webhook-timestamp']).toBe(String(TS));
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(verifyWebhook(body, headers, SECRET, { now: NOW })).toEqual({ id: 'msg_1', timestamp: TS });
  });

  it('sends one signature per secret during rotation; either secret verifies', () => {
    const headers = signWebhook({ id: 'msg_2', timestamp: TS, body, secrets: [SECRET, OTHER] });
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(reason(() => verifyWebhook(body, headers, OTHER, { now: NOW }))).toBe('verified');
    expect(
      reason(() => verifyWebhook(body, headers, [secretFromBytes(bytes(30)), SECRET], { now: NOW })),
    ).toBe('verified');
  });

  it('reads headers in any case and refuses missing ones', () => {
    const h = signWebhook({ id: 'msg_3', timestamp: TS, body, secrets: [SECRET] });
    const upper = {
      'Webhook-Id': h['webhook-id'],
      'Webhook-Timestamp': h['webhook-timestamp'],
      'Webhook-Signature': h['webhook-signature'],
    };
    expect(reason(() => verifyWebhook(body, upper, SECRET, { now: NOW }))).toBe('verified');
    expect(reason(() => verifyWebhook(body, { ...h, 'webhook-signature': '' }, SECRET, { now: NOW }))).toBe(
      'missing_headers',
    );
    expect(
      reason(() => verifyWebhook(body, { ...h, 'webhook-timestamp': '12a' }, SECRET, { now: NOW })),
    ).toBe('invalid_timestamp');
  });

  it('allows 5 minutes either way, and no more', () => {
    const at = (offset: number) => signWebhook({ id: 'm', timestamp: TS + offset, body, secrets: [SECRET] });
    expect(reason(() => verifyWebhook(body, at(-300), SECRET, { now: NOW }))).toBe('verified');
    expect(reason(() => verifyWebhook(body, at(300), SECRET, { now: NOW }))).toBe('verified');
    expect(reason(() => verifyWebhook(body, at(-301), SECRET, { now: NOW }))).toBe('timestamp_too_old');
    expect(reason(() => verifyWebhook(body, at(301), SECRET, { now: NOW }))).toBe('timestamp_too_new');
    expect(reason(() => verifyWebhook(body, at(-30), SECRET, { now: NOW, toleranceSeconds: 10 }))).toBe(
      'timestamp_too_old',
    );
  });

  it('ignores signature versions other than v1', () => {
    const h = signWebhook({ id: 'm', timestamp: TS, body, secrets: [SECRET] });
    const v2 = { ...h, 'webhook-signature': h['webhook-signature'].replace('v1,', 'v2,') };
    expect(reason(() => verifyWebhook(body, v2, SECRET, { now: NOW }))).toBe('invalid_signature');
  });
});

describe('properties', () => {
  const input = fc.record({
    id: fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== ''),
    offset: fc.integer({ min: -300, max: 300 }),
    body: fc.uint8Array({ minLength: 0, maxLength: 300 }),
    key: fc.uint8Array({ minLength: 24, maxLength: 64 }),
  });

  it('sign → verify round-trips', () => {
    fc.assert(
      fc.property(input, ({ id, offset, body, key }) => {
        const secret = secretFromBytes(key);
        const headers = signWebhook({ id, timestamp: TS + offset, body, secrets: [secret] });
        return reason(() => verifyWebhook(body, headers, secret, { now: NOW })) === 'verified';
      }),
    );
  });

  it('any changed byte of the body fails', () => {
    fc.assert(
      fc.property(input, fc.nat(), fc.integer({ min: 1, max: 255 }), ({ id, body, key }, pos, delta) => {
        fc.pre(body.length > 0);
        const secret = secretFromBytes(key);
        const headers = signWebhook({ id, timestamp: TS, body, secrets: [secret] });
        const tampered = Uint8Array.from(body);
        const i = pos % body.length;
        tampered[i] = ((tampered[i] as number) + delta) & 0xff;
        return reason(() => verifyWebhook(tampered, headers, secret, { now: NOW })) === 'invalid_signature';
      }),
    );
  });

  it('any changed id or timestamp fails, and so does a stale timestamp', () => {
    fc.assert(
      fc.property(
        input,
        fc.integer({ min: 1, max: 299 }),
        fc.integer({ min: 301, max: 10 ** 8 }),
        (x, shift, stale) => {
          const secret = secretFromBytes(x.key);
          const headers = signWebhook({ id: x.id, timestamp: TS, body: x.body, secrets: [secret] });
          const otherId = { ...headers, 'webhook-id': `${x.id}x` };
          const otherTs = { ...headers, 'webhook-timestamp': String(TS + shift) };
          const staleHeaders = signWebhook({
            id: x.id,
            timestamp: TS - stale,
            body: x.body,
            secrets: [secret],
          });
          return (
            reason(() => verifyWebhook(x.body, otherId, secret, { now: NOW })) === 'invalid_signature' &&
            reason(() => verifyWebhook(x.body, otherTs, secret, { now: NOW })) === 'invalid_signature' &&
            reason(() => verifyWebhook(x.body, staleHeaders, secret, { now: NOW })) === 'timestamp_too_old'
          );
        },
      ),
    );
  });

  it('a different secret fails', () => {
    fc.assert(
      fc.property(input, fc.uint8Array({ minLength: 24, maxLength: 64 }), (x, other) => {
        fc.pre(Buffer.compare(Buffer.from(other), Buffer.from(x.key)) !== 0);
        const headers = signWebhook({
          id: x.id,
          timestamp: TS,
          body: x.body,
          secrets: [secretFromBytes(x.key)],
        });
        return (
          reason(() => verifyWebhook(x.body, headers, secretFromBytes(other), { now: NOW })) ===
          'invalid_signature'
        );
      }),
    );
  });
});

describe('interoperability with the standardwebhooks package', () => {
  it('their library verifies our signatures (also during rotation)', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 3 }), fc.uint8Array({ minLength: 24, maxLength: 48 }), (body, key) => {
        const secret = secretFromBytes(key);
        const now = new Date();
        const headers = signWebhook({ id: 'msg_interop', timestamp: now, body, secrets: [OTHER, secret] });
        new Webhook(secret).verify(body, { ...headers });
      }),
      { numRuns: 50 },
    );
  });

  it('we verify their signatures', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 3 }), fc.uint8Array({ minLength: 24, maxLength: 48 }), (body, key) => {
        const secret = secretFromBytes(key);
        const now = new Date();
        const signature = new Webhook(secret).sign('msg_theirs', now, body);
        const headers = {
          'webhook-id': 'msg_theirs',
          'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
          'webhook-signature': signature,
        };
        return reason(() => verifyWebhook(body, headers, secret, { now })) === 'verified';
      }),
      { numRuns: 50 },
    );
  });

  it('their library rejects a tampered body we signed', () => {
    const headers = signWebhook({ id: 'm', timestamp: new Date(), body: '{"a":1}', secrets: [SECRET] });
    expect(() => new Webhook(SECRET).verify('{"a":2}', { ...headers })).toThrow();
  });
});
