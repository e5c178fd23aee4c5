import { describe, expect, it } from 'vitest';
import { LEADSQUARED_EVENT_CODES, leadSquaredEvent, SALESHANDY_EVENT_TYPES } from './compat.ts';
import { isBuiltInEventType, isSystemEventType, validateEventName } from './events.ts';

describe('compatibility event vocabularies', () => {
  it("lists seed 002's 19 Saleshandy events, every one a valid event name", () => {
    expect(SALESHANDY_EVENT_TYPES).toHaveLength(19);
    expect(new Set(SALESHANDY_EVENT_TYPES.map((e) => e.type)).size).toBe(19);
    for (const e of SALESHANDY_EVENT_TYPES) expect(validateEventName(e.type)).toEqual([]);
  });

  it("maps seed 003's 18 LeadSquared codes to distinct, valid, non-system event types", () => {
    expect(LEADSQUARED_EVENT_CODES.map((e) => e.code)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 26, 31, 32, 33, 34, 35,
    ]);
    expect(new Set(LEADSQUARED_EVENT_CODES.map((e) => e.type)).size).toBe(18);
    for (const e of LEADSQUARED_EVENT_CODES) {
      expect(validateEventName(e.type)).toEqual([]);
      expect(isSystemEventType(e.type)).toBe(false);
    }
    // Task events land on the built-in task types of the same meaning.
    expect(leadSquaredEvent(16)?.type).toBe('task.completed');
    expect(isBuiltInEventType('task.completed')).toBe(true);
  });

  it('reads a code given as a string or a number, and nothing else', () => {
    expect(leadSquaredEvent('1')?.type).toBe('landing_page.submitted');
    expect(leadSquaredEvent(3)?.type).toBe('lead.created');
    expect(leadSquaredEvent(' 35 ')?.type).toBe('opportunity.deleted');
    expect(leadSquaredEvent('10')).toBeUndefined();
    expect(leadSquaredEvent('3.0')).toBeUndefined();
    expect(leadSquaredEvent('lead create')).toBeUndefined();
  });
});
