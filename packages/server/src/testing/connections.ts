import { expect } from 'vitest';
import type { apiCaller } from '../webhooks/testHelpers.ts';

/**
 * Creates a connection of the caller's account (201 expected, else the answer is shown); its id, and its signing
 * secret for a host endpoint (the only time it is shown).
 */
export async function createConnection(
  call: ReturnType<typeof apiCaller>,
  body: Record<string, unknown>,
): Promise<{ id: string; signing_secret?: string }> {
  const res = await call('POST', '/v1/connections', body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data;
}
