import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../events/consumers.ts';
import { normalizeFilters, webhookFilterMatches } from './filters.ts';

function event(data: Record<string, unknown>, previous: Record<string, unknown> | null): StoredEvent {
  return {
    id: 'e',
    accountId: 'a',
    type: 'deal.updated',
    entity: 'deal',
    entityId: '1',
    data,
    previous,
    userKey: 'main',
    occurredAt: new Date(),
    causedBy: [],
  };
}

describe('webhook filters (seed 003)', () => {
  const { condition: statusLostToOpen } = normalizeFilters({ field: 'status', from: 'Lost', to: 'Open' });

  it('status from Lost to Open matches only that change', () => {
    expect(webhookFilterMatches(statusLostToOpen, event({ status: 'Open' }, { status: 'Lost' }))).toBe(true);
    expect(webhookFilterMatches(statusLostToOpen, event({ status: 'Open' }, { status: 'Won' }))).toBe(false);
    expect(webhookFilterMatches(statusLostToOpen, event({ status: 'Lost' }, { status: 'Lost' }))).toBe(false);
    expect(webhookFilterMatches(statusLostToOpen, event({ status: 'Open' }, null))).toBe(false);
  });

  it('a changed-field filter (ChangedOpportunityField) matches when that field changed', () => {
    const { condition } = normalizeFilters([{ field: 'mx_Custom_10' }]);
    expect(webhookFilterMatches(condition, event({ mx_Custom_10: 2 }, { mx_Custom_10: 1 }))).toBe(true);
    expect(webhookFilterMatches(condition, event({ mx_Custom_10: 1, other: 2 }, { mx_Custom_10: 1 }))).toBe(
      false,
    );
  });

  it('takes plain conditions and reports problems under filters', () => {
    const { condition, problems } = normalizeFilters({
      field: 'amount',
      operator: 'greater_than',
      value: 1000,
    });
    expect(problems).toEqual([]);
    expect(webhookFilterMatches(condition, event({ amount: '1500' }, null))).toBe(true);
    const bad = normalizeFilters([{ field: 'amount', operator: 'bigger', value: 1 }]);
    expect(bad.condition).toBeNull();
    expect(bad.problems[0]?.path).toMatch(/^filters\.all\.0/);
  });

  it('no filter lets every event through', () => {
    expect(normalizeFilters(null).condition).toBeNull();
    expect(normalizeFilters([]).condition).toBeNull();
    expect(webhookFilterMatches(null, event({}, null))).toBe(true);
  });
});
