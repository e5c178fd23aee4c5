import {
  type Condition,
  evaluateCondition,
  fromToFilter,
  type Problem,
  validateCondition,
} from '@switchyard/core';
import type { StoredEvent } from '../events/consumers.ts';

/**
 * One filter as the API takes it: a core condition (`{ field, operator, value }`, `{ all }`, `{ any }`), or seed
 * 003's from/to shorthand `{ field, from?, to? }` (no operator): the field changed from `from` to `to` (either may
 * be left out; with neither, the field simply changed).
 */
export type FilterInput = Record<string, unknown>;

function normalizeOne(f: FilterInput): unknown {
  if (
    typeof f.field === 'string' &&
    !('operator' in f) &&
    ('from' in f || 'to' in f || Object.keys(f).length === 1)
  ) {
    return fromToFilter({ field: f.field, from: f.from, to: f.to });
  }
  return f;
}

/**
 * Turns the API's `filters` (one filter, or a list that must all hold) into one stored condition, with every
 * problem at its path under `filters`. Null or an empty list means no filter.
 */
export function normalizeFilters(input: FilterInput | FilterInput[] | null | undefined): {
  condition: Condition | null;
  problems: Problem[];
} {
  if (input == null || (Array.isArray(input) && input.length === 0)) return { condition: null, problems: [] };
  const cond = Array.isArray(input) ? { all: input.map(normalizeOne) } : normalizeOne(input);
  const problems = validateCondition(cond, { path: 'filters' });
  return { condition: problems.length === 0 ? (cond as Condition) : null, problems };
}

/** What a webhook's stored filter says about an event: it matches or not, or it could not be evaluated. */
export type FilterVerdict = { match: boolean; error: null } | { match: false; error: string };

/**
 * Whether an event passes a webhook's stored filter (none: every event of its types passes). Never throws: a
 * filter that cannot be evaluated (stored before a rule changed, or altered in the database) is an `error`, which
 * the fan-out logs and records as a skipped delivery rather than dropping the event silently.
 */
export function webhookFilterVerdict(filters: unknown, event: StoredEvent): FilterVerdict {
  if (filters == null) return { match: true, error: null };
  try {
    const { match } = evaluateCondition(filters as Condition, {
      data: event.data,
      previous: event.previous ?? undefined,
    });
    return { match, error: null };
  } catch (err) {
    const problems = (err as { problems?: Problem[] }).problems ?? [];
    const detail = problems.map((p) => `${p.path}: ${p.message}`).join('; ');
    const message = err instanceof Error ? err.message : String(err);
    return { match: false, error: `The webhook's filter could not be evaluated: ${detail || message}` };
  }
}

/** Whether an event passes a webhook's stored filter; a filter that cannot be evaluated matches nothing. */
export function webhookFilterMatches(filters: unknown, event: StoredEvent): boolean {
  return webhookFilterVerdict(filters, event).match;
}
