import { describe, expect, it } from 'vitest';
import { coalesced } from './coalesce.ts';

describe('coalesced (group commit of one statement kind)', () => {
  it('runs a lone call at once, and the calls that wait behind the ones in flight together', async () => {
    const groups: number[][] = [];
    const double = coalesced(
      async (xs: number[]) => {
        groups.push(xs);
        await new Promise((r) => setTimeout(r, 20));
        return xs.map((x) => x * 2);
      },
      { maxInFlight: 2 },
    );
    expect(await double(1)).toBe(2);
    await new Promise((r) => setTimeout(r, 0)); // its slot frees once it has settled
    const results = await Promise.all([2, 3, 4, 5, 6].map(double));
    expect(results).toEqual([4, 6, 8, 10, 12]);
    // 1 alone; then 2 and 3 each take a free slot, and 4, 5, 6 share the next statement.
    expect(groups).toEqual([[1], [2], [3], [4, 5, 6]]);
  });

  it("gives each call its own outcome when a shared statement fails: one call's error is not the others'", async () => {
    const run = coalesced(
      async (xs: string[]) => {
        await new Promise((r) => setTimeout(r, 10));
        if (xs.includes('bad')) throw new Error(`refused ${xs.join(',')}`);
        return xs.map((x) => x.toUpperCase());
      },
      { maxInFlight: 1 },
    );
    const settled = await Promise.allSettled(['first', 'a', 'bad', 'b'].map(run));
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual([
      'FIRST',
      'A',
      'refused bad',
      'B',
    ]);
  });
});
