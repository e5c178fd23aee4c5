import { describe, expect, it } from 'vitest';
import { buildSignedRequest, encodePayload, loggableHeaders } from './deliveryPayload.ts';
import { verifyWebhook } from './signing.ts';

const payload = {
  type: 'deal.won',
  timestamp: '2026-11-22T12:00:00.000Z',
  data: { id: 7, name: 'Acme & Co', owner: { email: 'a@b.c' }, tags: ['x', 'y'], closed: null },
};

describe('delivery payloads', () => {
  it('is { type, timestamp, data } as JSON for JSON and text bodies', () => {
    expect(JSON.parse(encodePayload(payload, 'application/json'))).toEqual(payload);
    expect(encodePayload(payload, 'text/plain')).toBe(JSON.stringify(payload));
  });

  it('flattens data with brackets for form bodies', () => {
    const form = new URLSearchParams(encodePayload(payload, 'application/x-www-form-urlencoded'));
    expect([...form.entries()]).toEqual([
      ['type', 'deal.won'],
      ['timestamp', '2026-11-22T12:00:00.000Z'],
      ['data[id]', '7'],
      ['data[name]', 'Acme & Co'],
      ['data[owner][email]', 'a@b.c'],
      ['data[tags][0]', 'x'],
      ['data[tags][1]', 'y'],
      ['data[closed]', ''],
    ]);
  });

  it('signs the exact body and keeps custom headers, never letting them replace ours', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const now = new Date();
    const req = buildSignedRequest({
      deliveryId: 'del_1',
      url: 'https://example.com/hook',
      method: 'PATCH',
      contentType: 'application/x-www-form-urlencoded',
      customHeaders: { 'X-Api-Key': 'k' },
      payload,
      secrets: [secret],
      now,
    });
    expect(req.method).toBe('PATCH');
    expect(req.headers).toMatchObject({
      'X-Api-Key': 'k',
      'content-type': 'application/x-www-form-urlencoded',
      'webhook-id': 'del_1',
    });
    expect(verifyWebhook(req.body, req.headers, secret, { now }).id).toBe('del_1');
    expect(loggableHeaders(req, { 'X-Api-Key': 'k' })['X-Api-Key']).toBe('[redacted]');
  });
});
