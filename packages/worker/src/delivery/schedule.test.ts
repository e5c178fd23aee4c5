import { parseDurationList, parseEnv } from '@switchyard/server';
import { describe, expect, it } from 'vitest';
import { nextRetryDelay, parseRetryAfter, type RetryPolicy } from './schedule.ts';

describe('retry schedule', () => {
  it('parses the default schedule: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h', () => {
    expect(parseEnv({}).WEBHOOK_RETRY_SCHEDULE).toEqual([
      0, 5000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
    ]);
    expect(parseDurationList('0, 50ms, 1.5')).toEqual([0, 50, 1500]);
    expect(parseEnv({ WORKFLOW_STEP_BACKOFF: '200ms' }).WORKFLOW_STEP_BACKOFF).toEqual([200]);
  });

  it('names a bad entry', () => {
    expect(() => parseDurationList('0,5x')).toThrow('"5x"');
    expect(() => parseDurationList(',')).toThrow('at least one');
  });

  it('stops the start on a bad schedule, naming the variable and the entry', () => {
    expect(() => parseEnv({ WEBHOOK_RETRY_SCHEDULE: 'garbage' })).toThrow(
      /WEBHOOK_RETRY_SCHEDULE: "garbage" is not a duration/,
    );
    expect(() => parseEnv({ WORKFLOW_STEP_BACKOFF: '10s,soon' })).toThrow(
      /WORKFLOW_STEP_BACKOFF: "soon" is not a duration/,
    );
  });

  it('jitters within the configured fraction, honours a larger Retry-After, and ends', () => {
    const policy: RetryPolicy = { delaysMs: [0, 1000, 2000], jitter: 0.1, disableAfterMs: 1 };
    expect(nextRetryDelay(policy, 1, 0)).toBe(900);
    expect(nextRetryDelay(policy, 1, 0.5)).toBe(1000);
    expect(nextRetryDelay(policy, 1, 0.999_999)).toBe(1100);
    expect(nextRetryDelay(policy, 2, 0.5, 60_000)).toBe(60_000);
    expect(nextRetryDelay(policy, 3, 0.5)).toBeNull();
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = new Date('2026-11-22T12:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Sun, 22 Nov 2026 12:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('soon', now)).toBe(0);
    expect(parseRetryAfter(undefined, now)).toBe(0);
    expect(parseRetryAfter('999999999', now)).toBe(86_400_000);
  });
});
