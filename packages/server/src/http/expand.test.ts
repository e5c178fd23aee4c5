import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { expandFields, readExpand } from './expand.ts';

const Input = z.object({ id: z.string(), ...expandFields(['event_trigger', 'stats']) });

describe('expand', () => {
  it('accepts expand[]=x (one or many) and expand=x, and refuses unknown relations', () => {
    expect([...readExpand(Input.parse({ id: '1', 'expand[]': ['event_trigger'] }))]).toEqual([
      'event_trigger',
    ]);
    expect([...readExpand(Input.parse({ id: '1', 'expand[]': ['event_trigger', 'stats'] }))]).toEqual([
      'event_trigger',
      'stats',
    ]);
    expect([...readExpand(Input.parse({ id: '1', expand: 'stats' }))]).toEqual(['stats']);
    expect(readExpand(Input.parse({ id: '1' })).size).toBe(0);
    expect(Input.safeParse({ id: '1', 'expand[]': ['owner'] }).success).toBe(false);
  });
});
