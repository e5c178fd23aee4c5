import { describe, expect, it } from 'vitest';
import {
  BUILT_IN_EVENT_TYPE_NAMES,
  BUILT_IN_EVENT_TYPES,
  isSystemEventType,
  matchesEventPattern,
  validateEventName,
  validateEventPatterns,
  validateEventTypeName,
  validateTriggerPattern,
} from './events.ts';

describe('event catalog', () => {
  it('has the 28 built-in types of DESIGN.md with entity and description', () => {
    expect(BUILT_IN_EVENT_TYPES).toHaveLength(28);
    expect(BUILT_IN_EVENT_TYPE_NAMES.size).toBe(28);
    for (const e of BUILT_IN_EVENT_TYPES) {
      expect(e.type.startsWith(`${e.entity}.`)).toBe(true);
      expect(e.description.length).toBeGreaterThan(0);
    }
    expect(BUILT_IN_EVENT_TYPE_NAMES.has('contact.owner_changed')).toBe(true);
    expect(BUILT_IN_EVENT_TYPE_NAMES.has('webhook.disabled')).toBe(true);
  });
});

describe('validateEventName', () => {
  it.each(['new_user', 'email-sent', 'invoice.paid', 'crm:deal.won', 'Lead.Created', '1', 'a'.repeat(100)])(
    'accepts %j',
    (name) => {
      expect(validateEventName(name)).toEqual([]);
    },
  );

  it.each([
    ['', 'required'],
    ['-starts-with-dash', 'not a valid event name'],
    ['has space', 'not a valid event name'],
    ['deal.*', 'not a valid event name'],
    ['emoji\u{1F600}', 'not a valid event name'],
    ['a'.repeat(101), '1-100'],
  ])('refuses %j (%s)', (name, why) => {
    const problems = validateEventName(name);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toContain(why);
  });
});

describe('validateEventTypeName', () => {
  it.each(['invoice.paid', 'lead.score_changed', 'crm.deal.archived', 'email-sent', 'new_user'])(
    'accepts %s',
    (name) => {
      expect(validateEventTypeName(name)).toEqual([]);
    },
  );

  it.each([
    ['', 'required'],
    ['invoice paid', 'not a valid event name'],
    ['deal.won', 'built-in'],
    ['workflow.custom', 'reserved'],
    ['webhook.created', 'reserved'],
  ])('refuses %j (%s)', (name, why) => {
    const problems = validateEventTypeName(name);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toContain(why);
  });

  it('knows which types only Switchyard emits', () => {
    expect(isSystemEventType('webhook.disabled')).toBe(true);
    expect(isSystemEventType('workflow.anything')).toBe(true);
    expect(isSystemEventType('workflows')).toBe(false);
    expect(isSystemEventType('deal.won')).toBe(false);
  });
});

describe('validateTriggerPattern', () => {
  it('accepts *, <name>.* and any event name, known or not', () => {
    for (const p of ['*', 'deal.*', 'new_user', 'email-sent', 'lead.created']) {
      expect(validateTriggerPattern(p)).toEqual([]);
    }
  });
  it('refuses malformed patterns', () => {
    expect(validateTriggerPattern('de al.*')[0]?.message).toContain('not a valid pattern');
    expect(validateTriggerPattern('deal*')[0]?.message).toContain('not a valid event name');
    expect(validateTriggerPattern('')[0]?.message).toContain('required');
  });
});

describe('matchesEventPattern', () => {
  it('matches *, entity wildcards and exact types', () => {
    expect(matchesEventPattern('*', 'deal.won')).toBe(true);
    expect(matchesEventPattern('deal.*', 'deal.won')).toBe(true);
    expect(matchesEventPattern('deal.*', 'deal.stage_changed')).toBe(true);
    expect(matchesEventPattern('deal.*', 'dealer.created')).toBe(false);
    expect(matchesEventPattern('deal.*', 'contact.created')).toBe(false);
    expect(matchesEventPattern('deal.won', 'deal.won')).toBe(true);
    expect(matchesEventPattern('deal.won', 'deal.lost')).toBe(false);
  });
});

describe('validateEventPatterns', () => {
  const known = [...BUILT_IN_EVENT_TYPE_NAMES, 'invoice.paid'];

  it("accepts seed 001's events, wildcards and an account's own types", () => {
    expect(validateEventPatterns(['contact.created', 'deal.updated'], known)).toEqual([]);
    expect(validateEventPatterns(['*', 'deal.*', 'invoice.*', 'invoice.paid'], known)).toEqual([]);
  });

  it('names each unknown event by its index', () => {
    expect(validateEventPatterns(['deal.won', 'deal.exploded', 'ghost.*'], known)).toEqual([
      { path: 'events[1]', message: '"deal.exploded" is not a recognized event type' },
      { path: 'events[2]', message: 'no event type belongs to "ghost"' },
    ]);
  });

  it('needs at least one event', () => {
    expect(validateEventPatterns([], known)).toHaveLength(1);
  });
});
