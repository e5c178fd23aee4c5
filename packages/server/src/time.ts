import { z } from 'zod';

/** One instant in the three forms of the API: account-zone ISO, UTC ISO, and a readable string. */
export interface Timestamps {
  at: string;
  at_utc: string;
  at_string: string;
}

const isoFormatters = new Map<string, Intl.DateTimeFormat>();
const stringFormatters = new Map<string, Intl.DateTimeFormat>();

function formatter(cache: Map<string, Intl.DateTimeFormat>, zone: string, opts: Intl.DateTimeFormatOptions) {
  let f = cache.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, ...opts });
    cache.set(zone, f);
  }
  return f;
}

function parts(f: Intl.DateTimeFormat, d: Date): Record<string, string> {
  return Object.fromEntries(f.formatToParts(d).map((p) => [p.type, p.value]));
}

/** ISO 8601 without milliseconds, `Z` in UTC. */
export function isoUtc(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** ISO 8601 in `zone` with its offset (`Z` when the offset is zero), e.g. `2023-12-29T13:08:10-05:00`. */
export function isoInZone(d: Date, zone: string): string {
  const p = parts(
    formatter(isoFormatters, zone, {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    }),
    d,
  );
  const raw = (p.timeZoneName ?? 'GMT').replace('GMT', '');
  const offset = raw === '' || raw === '+00:00' || raw === '-00:00' ? 'Z' : raw;
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}${offset}`;
}

/** The seed's readable form in `zone`: `Dec 29, 2023 06:08 pm UTC`. */
export function readableInZone(d: Date, zone: string): string {
  const p = parts(
    formatter(stringFormatters, zone, {
      year: 'numeric',
      month: 'short',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hour12: true,
      timeZoneName: 'short',
    }),
    d,
  );
  return `${p.month} ${p.day}, ${p.year} ${p.hour}:${p.minute} ${(p.dayPeriod ?? '').toLowerCase()} ${p.timeZoneName}`;
}

/** `{ [name]_at, [name]_at_utc, [name]_at_string }` for an instant (all null when it is null). */
export function timestampFields<N extends string>(
  name: N,
  d: Date | null | undefined,
  zone: string,
): Record<`${N}_at` | `${N}_at_utc` | `${N}_at_string`, string | null> {
  return {
    [`${name}_at`]: d ? isoInZone(d, zone) : null,
    [`${name}_at_utc`]: d ? isoUtc(d) : null,
    [`${name}_at_string`]: d ? readableInZone(d, zone) : null,
  } as Record<`${N}_at` | `${N}_at_utc` | `${N}_at_string`, string | null>;
}

/** The zod shape of {@link timestampFields} for output schemas. */
export function timestampShape<N extends string>(name: N, nullable = false) {
  const s = nullable ? z.string().nullable() : z.string();
  return {
    [`${name}_at`]: s.describe(`${name} time in the account's time zone (ISO 8601)`),
    [`${name}_at_utc`]: s.describe(`${name} time in UTC (ISO 8601)`),
    [`${name}_at_string`]: s.describe(`${name} time as a readable string in the account's time zone`),
  } as Record<`${N}_at` | `${N}_at_utc` | `${N}_at_string`, typeof s>;
}
