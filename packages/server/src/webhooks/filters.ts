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

/** Whether an event passes a webhook's stored filter (none: every event of its types passes). Never throws. */
export function webhookFilterMatches(filters: unknown, event: StoredEvent): boolean {
  if (filters == null) return true;
  try {
    return evaluateCondition(filters as Condition, {
      data: event.data,
      previous: event.previous ?? undefined,
    }).match;
  } catch {
    // Stored filters were validated at creation; one that no longer compiles (older rules) matches nothing.
    return false;
  }
}
