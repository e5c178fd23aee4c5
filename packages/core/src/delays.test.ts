import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeRunAt, DELAY_UNITS, type DelaySettings, validateDelay } from './delays.ts';
import { InvalidInputError } from './errors.ts';

const runAt = (s: DelaySettings, now: string, timeZone: string) =>
  computeRunAt(s, { now: new Date(now), timeZone }).toISOString();

describe('seed 004 Delay examples', () => {
  it('"Wait 2 hours" is two elapsed hours, even across the spring-forward gap', () => {
    const wait = { delay_n: 2, delay_unit: 'hour' } as const;
    expect(runAt(wait, '2026-11-22T10:00:00Z', 'UTC')).toBe('2026-11-22T12:00:00.000Z');
    // 01:30 EST + 2 h = 04:30 EDT: the clock shows three hours later, but two hours have passed.
    expect(runAt(wait, '2026-03-08T06:30:00Z', 'America/New_York')).toBe('2026-03-08T08:30:00.000Z');
  });

  it('"Wait 2 days" at minute_of_day 570 is 9:30 AM local two days later', () => {
    const wait = { delay_n: 2, delay_unit: 'day', minute_of_day: 570 } as const;
    // Friday 15:00 EST -> Sunday 09:30 EDT (the first day after the DST change).
    expect(runAt(wait, '2026-03-06T20:00:00Z', 'America/New_York')).toBe('2026-03-08T13:30:00.000Z');
    // Friday 23:30 CEST in Berlin -> Sunday 09:30 CET after the clocks went back.
    expect(runAt(wait, '2026-10-23T21:30:00Z', 'Europe/Berlin')).toBe('2026-10-25T08:30:00.000Z');
    expect(runAt(wait, '2026-11-22T10:00:00Z', 'Asia/Tokyo')).toBe('2026-11-24T00:30:00.000Z');
  });
});

describe('calendar units', () => {
  const one = (delay_unit: DelaySettings['delay_unit']): DelaySettings => ({ delay_n: 1, delay_unit });
  const dayAt0230 = { delay_n: 1, delay_unit: 'day', minute_of_day: 150 } as const;
  const NY = 'America/New_York';
  const BER = 'Europe/Berlin';
  const LA = 'America/Los_Angeles';
  // [what the case shows, the delay, from, the account's zone, when it is due]
  const cases: [string, DelaySettings, string, string, string][] = [
    // Local time is kept across DST changes (a 23- or 25-hour day).
    ['a day over spring-forward', one('day'), '2026-03-07T12:00:00Z', NY, '2026-03-08T11:00:00.000Z'],
    ['a day over fall-back', one('day'), '2026-10-24T10:00:00Z', BER, '2026-10-25T11:00:00.000Z'],
    ['a week over spring-forward', one('week'), '2026-03-03T14:00:00Z', NY, '2026-03-10T13:00:00.000Z'],
    // Month ends clamp: Jan 31 + 1 month is Feb 28, + 1 year from Feb 29 is Feb 28.
    ['Jan 31 + 1 month', one('month'), '2026-01-31T10:00:00Z', BER, '2026-02-28T10:00:00.000Z'],
    ['Feb 29 + 1 year', one('year'), '2028-02-29T12:00:00Z', 'UTC', '2029-02-28T12:00:00.000Z'],
    // Month end in the account's zone, not UTC: Jan 31 20:00 in Los Angeles is already Feb 1 in UTC.
    ['a month from Jan 31 in LA', one('month'), '2026-02-01T04:00:00Z', LA, '2026-03-01T04:00:00.000Z'],
    // 02:30 does not exist in New York on 2026-03-08: the wall clock jumps to 03:30 EDT.
    ['a non-existent local time', dayAt0230, '2026-03-07T12:00:00Z', NY, '2026-03-08T07:30:00.000Z'],
    // 02:30 happens twice in Berlin on 2026-10-25: the first (CEST, UTC+2) is used.
    ['an ambiguous local time', dayAt0230, '2026-10-24T12:00:00Z', BER, '2026-10-25T00:30:00.000Z'],
  ];
  it.each(cases)('%s', (_, delay, from, zone, due) => {
    expect(runAt(delay, from, zone)).toBe(due);
  });

  it('with delay_n 0, minute_of_day means the next such time', () => {
    const at930 = { delay_n: 0, delay_unit: 'day', minute_of_day: 570 } as const;
    expect(runAt(at930, '2026-01-31T07:00:00Z', 'Europe/Berlin')).toBe('2026-01-31T08:30:00.000Z');
    expect(runAt(at930, '2026-01-31T10:00:00Z', 'Europe/Berlin')).toBe('2026-02-01T08:30:00.000Z');
  });

  it('never depends on the machine zone', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2090-01-01'), noInvalidDate: true }),
        fc.constantFrom(...DELAY_UNITS),
        fc.nat(400),
        fc.constantFrom('America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'Asia/Kolkata', 'UTC'),
        (now, unit, n, timeZone) => {
          const at = computeRunAt({ delay_n: n, delay_unit: unit }, { now, timeZone });
          expect(at.getTime()).toBeGreaterThanOrEqual(now.getTime());
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('validation', () => {
  it('rejects minute_of_day on short units, fractional or negative delays, unknown units and zones', () => {
    expect(validateDelay({ delay_n: 2, delay_unit: 'hour', minute_of_day: 570 })).toEqual([
      {
        path: 'minute_of_day',
        message: 'minute_of_day applies only to day, week, month or year delays, not hour',
      },
    ]);
    expect(validateDelay({ delay_n: 1.5, delay_unit: 'day' }).map((p) => p.path)).toEqual(['delay_n']);
    expect(validateDelay({ delay_n: -1, delay_unit: 'day' }).map((p) => p.path)).toEqual(['delay_n']);
    expect(validateDelay({ delay_n: 1, delay_unit: 'fortnight' }).map((p) => p.path)).toEqual(['delay_unit']);
    expect(validateDelay({ delay_n: 1, delay_unit: 'day', minute_of_day: 1440 }).map((p) => p.path)).toEqual([
      'minute_of_day',
    ]);
    expect(validateDelay({ delay_n: 1, delay_unit: 'day', minute_of_day: null })).toEqual([]);
    expect(() =>
      computeRunAt({ delay_n: 1, delay_unit: 'day' }, { now: new Date(), timeZone: 'Mars/Olympus' }),
    ).toThrow(InvalidInputError);
  });
});
