import { initTRPC } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toAppError } from './errors.ts';

// What tRPC throws, mapped to the one error shape: the caller's mistakes are 4xx, the server's own are 500.
const t = initTRPC.create();
const router = t.router({
  strict: t.procedure
    .input(z.object({ name: z.string() }))
    .output(z.object({ id: z.string() }))
    .query(({ input }) => (input.name === 'broken' ? ({} as { id: string }) : { id: input.name })),
});
const caller = t.createCallerFactory(router)({});

async function thrown(input: unknown) {
  try {
    await caller.strict(input as { name: string });
  } catch (err) {
    return toAppError(err);
  }
  throw new Error('the call succeeded');
}

describe('toAppError', () => {
  it('answers input that fails the schema as the caller’s missing_required_field (400)', async () => {
    const e = await thrown({});
    expect(e.code).toBe('missing_required_field');
    expect(e.status).toBe(400);
  });

  it('answers a response that fails its own output schema as internal_error (500), naming nothing of it', async () => {
    const e = await thrown({ name: 'broken' });
    expect(e.code).toBe('internal_error');
    expect(e.status).toBe(500);
    expect(e.message).toBe('Internal server error');
  });
});
