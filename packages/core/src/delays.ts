import { TZDate, tzOffset } from '@date-fns/tz';
import { addDays, addHours, addMinutes, addMonths, addSeconds, addWeeks, addYears } from 'date-fns';
import { z } from 'zod';
import { InvalidInputError, type Problem } from './errors.ts';

/** Seed 004's delay units. */
export const DELAY_UNITS = ['sec', 'min', 'hour', 'day', 'week', 'month', 'year'] as const;

/** A delay unit. */
export type DelayUnit = (typeof DELAY_UNITS)[number];

/** Units of a day or longer: the only ones `minute_of_day` applies to. */
export const CALENDAR_UNITS: ReadonlySet<DelayUnit> = new Set(['day', 'week', 'month', 'year']);

/** The largest `delay_n` accepted (keeps every result a valid date; 100 000 years still fits). */
export const MAX_DELAY_N = 100_000;

/** A Delay node's settings (seed 004): `delay_n` of `delay_unit`, optionally at `minute_of_day` local time. */
export const DelaySettings = z.object({
  delay_n: z.number().int().min(0).max(MAX_DELAY_N),
  delay_unit: z.enum(DELAY_UNITS),
  /** Minute of the day in the account's time zone, e.g. 570 for 9:30 AM; null or absent means "keep the time". */
  minute_of_day: z.number().int().min(0).max(1439).nullish(),
});

/** A Delay node's settings. */
export type DelaySettings = z.infer<typeof DelaySettings>;

/** Where and when a delay starts: the current instant and the IANA zone its calendar maths happens in. */
export interface DelayClock {
  now: Date;
  timeZone: string;
}

/** True when `tz` is an IANA time zone name this runtime knows. */
export function isValidTimeZone(tz: string): boolean {
  if (typeof tz !== 'string' || tz === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The cross-field rule the schema cannot express: `minute_of_day` only with a unit of a day or longer. */
export function minuteOfDayProblem(settings: unknown): Problem | undefined {
  if (typeof settings !== 'object' || settings === null) return undefined;
  const { minute_of_day: minute, delay_unit: unit } = settings as Record<string, unknown>;
  if (minute == null || typeof unit !== 'string' || CALENDAR_UNITS.has(unit as DelayUnit)) return undefined;
  if (!(DELAY_UNITS as readonly string[]).includes(unit)) return undefined;
  return {
    path: 'minute_of_day',
    message: `minute_of_day applies only to day, week, month or year delays, not ${unit}`,
  };
}

/** Every problem with delay settings, at its field name; empty when valid. */
export function validateDelay(settings: unknown): Problem[] {
  const parsed = DelaySettings.safeParse(settings);
  const problems: Problem[] = parsed.success
    ? []
    : parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  const rule = minuteOfDayProblem(settings);
  if (rule) problems.push(rule);
  return problems;
}

/**
 * When a delay ends. `sec`, `min` and `hour` are elapsed time (2 hours is always 7 200 s, DST or not). `day` and
 * longer are calendar steps in `timeZone`: the same local time n days/weeks/months/years later, so a day across a
 * DST change lasts 23 or 25 hours, and a month from Jan 31 is the last day of February. With `minute_of_day`, the
 * local time of day is then set to that minute; if that lies before `now` (only possible with `delay_n` 0) the next
 * such time is used. A local time that does not exist (a spring-forward gap) moves forward by the gap, like the
 * wall clock does; an ambiguous one (fall-back) takes the first (daylight-time) occurrence.
 * Throws InvalidInputError for invalid settings or an unknown time zone.
 */
export function computeRunAt(settings: DelaySettings, clock: DelayClock): Date {
  const problems = validateDelay(settings);
  if (!isValidTimeZone(clock.timeZone))
    problems.push({ path: 'timeZone', message: `unknown time zone ${JSON.stringify(clock.timeZone)}` });
  if (!(clock.now instanceof Date) || Number.isNaN(clock.now.getTime()))
    problems.push({ path: 'now', message: 'now must be a valid date' });
  if (problems.length > 0) throw new InvalidInputError('invalid delay', problems);
  const { delay_n: n, delay_unit: unit, minute_of_day: minute } = settings;
  const now = clock.now;
  switch (unit) {
    case 'sec':
      return addSeconds(now, n);
    case 'min':
      return addMinutes(now, n);
    case 'hour':
      return addHours(now, n);
    default:
      break;
  }
  // Calendar steps run on the local wall clock, carried as a UTC date (no DST there, so nothing is ambiguous);
  // the result is then placed in the zone by `wallToInstant`. TZDate's own setters resolve a skipped or repeated
  // local time differently depending on the *machine's* zone, which a pure function cannot allow.
  const local = new TZDate(now.getTime(), clock.timeZone);
  const wall = new TZDate(
    Date.UTC(
      local.getFullYear(),
      local.getMonth(),
      local.getDate(),
      local.getHours(),
      local.getMinutes(),
      local.getSeconds(),
      local.getMilliseconds(),
    ),
    'UTC',
  );
  const step = { day: addDays, week: addWeeks, month: addMonths, year: addYears }[unit];
  let target: TZDate = step(wall, n);
  if (minute != null) target.setHours(Math.floor(minute / 60), minute % 60, 0, 0);
  let at = wallToInstant(target.getTime(), clock.timeZone);
  if (minute != null && at < now.getTime()) {
    target = addDays(target, 1);
    at = wallToInstant(target.getTime(), clock.timeZone);
  }
  return new Date(at);
}

const DAY_MS = 86_400_000;

/**
 * The instant a local wall-clock time (given as if it were UTC) names in `timeZone`, using the zone's offsets from
 * @date-fns/tz. Repeated (fall-back) times take the earlier instant; skipped (spring-forward) times move forward by
 * the gap, as a wall clock does.
 */
function wallToInstant(wallMs: number, timeZone: string): number {
  const before = tzOffset(timeZone, new Date(wallMs - DAY_MS));
  const after = tzOffset(timeZone, new Date(wallMs + DAY_MS));
  const a = wallMs - before * 60_000;
  const b = wallMs - after * 60_000;
  const aValid = tzOffset(timeZone, new Date(a)) === before;
  const bValid = tzOffset(timeZone, new Date(b)) === after;
  if (aValid && bValid) return Math.min(a, b);
  if (aValid) return a;
  if (bValid) return b;
  return a;
}
