import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateTest } from './conditions/codegen.ts';
import { referenceTest } from './conditions/evaluate.ts';
import { equalsMatcher, orderMatcher } from './conditions/matchers.ts';
import {
  type Condition,
  Condition as ConditionSchema,
  changedFieldFilter,
  compileCondition,
  evaluateCondition,
  fromToFilter,
  looseEqual,
  OPERATORS,
  ruleCondition,
  validateCondition,
  validateRule,
} from './conditions.ts';
import { InvalidInputError } from './errors.ts';

const match = (cond: Condition, data: unknown, previous?: unknown) =>
  evaluateCondition(cond, { data, previous }).match;

/**
 * Any JSON, or one of the values loose comparison treats specially: numeric, boolean and date strings (a leading zero,
 * an exponent, a trailing `.0`), numbers, booleans and null.
 */
const trickyValue = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(
    'won',
    '100',
    '1e2',
    '100.0',
    'true',
    'false',
    '2026-03-08',
    '2026-03-08T00:00:00Z',
    '02134',
    100,
    0,
    -1.5,
    true,
    null,
  ),
);

describe('seed 000 rule', () => {
  // The seed's own body: "Ping owner on won deals".
  const rule = { entity: 'deal', field: 'status', operator: 'changed_to', value: 'won' };

  it('maps onto a condition relative to the entity snapshot', () => {
    expect(ruleCondition(rule)).toEqual({ field: 'status', operator: 'changed_to', value: 'won' });
  });

  it('fires when a deal becomes won, with a reason', () => {
    const r = evaluateCondition(ruleCondition(rule), {
      data: { name: 'Acme', status: 'won' },
      previous: { name: 'Acme', status: 'open' },
    });
    expect(r).toEqual({ match: true, reason: 'status changed to "won" (was "open", now "won")' });
  });

  it('does not fire when the deal was already won, or without a previous snapshot', () => {
    const cond = ruleCondition(rule);
    expect(match(cond, { status: 'won' }, { status: 'won' })).toBe(false);
    const r = evaluateCondition(cond, { data: { status: 'won' }, previous: null });
    expect(r).toEqual({ match: false, reason: 'status: no previous snapshot to compare with' });
  });

  it("accepts the seed's empty-string value for changed, and a comma list for in", () => {
    expect(ruleCondition({ entity: 'deal', field: 'stage_id', operator: 'changed', value: '' })).toEqual({
      field: 'stage_id',
      operator: 'changed',
    });
    expect(ruleCondition({ entity: 'contact', field: 'tags', operator: 'in', value: 'vip, lead' })).toEqual({
      field: 'tags',
      operator: 'in',
      value: ['vip', 'lead'],
    });
  });

  it("reports impossible rules on the seed's field names", () => {
    expect(validateRule({ entity: 'deal', field: 'status', operator: 'starts_with', value: 'w' })).toEqual([
      { path: 'condition_operator', message: expect.stringMatching(/^unsupported operator "starts_with"/) },
    ]);
    expect(validateRule({ entity: 'deal', field: 'value', operator: 'greater_than', value: 'lots' })).toEqual(
      [{ path: 'condition_value', message: 'greater_than needs a number or an ISO 8601 date, got "lots"' }],
    );
    expect(validateRule({ entity: 'deal', field: 'deal.status', operator: 'changed', value: '' })).toEqual([
      {
        path: 'condition_field',
        message: 'fields are relative to the deal: write "status", not "deal.status"',
      },
    ]);
    expect(validateRule({ entity: 'Deal!', field: 'status', operator: 'equals', value: 'x' })[0]?.path).toBe(
      'condition_entity',
    );
    expect(() => ruleCondition({ entity: 'deal', field: 'status', operator: 'changed', value: 'x' })).toThrow(
      InvalidInputError,
    );
  });
});

describe('comparison rules', () => {
  it('compares numbers with numeric strings numerically, strings with strings exactly', () => {
    expect(match({ field: 'v', operator: 'equals', value: '100' }, { v: 100 })).toBe(true);
    expect(match({ field: 'v', operator: 'equals', value: 100 }, { v: '100.0' })).toBe(true);
    expect(match({ field: 'zip', operator: 'equals', value: '2134' }, { zip: '02134' })).toBe(false);
    expect(match({ field: 'v', operator: 'greater_than', value: '1000' }, { v: '1500' })).toBe(true);
    expect(match({ field: 'v', operator: 'greater_than', value: 1000 }, { v: 999.5 })).toBe(false);
    expect(match({ field: 'v', operator: 'less_than', value: 10 }, { v: 'ten' })).toBe(false);
  });

  it('compares ISO dates as instants', () => {
    const at = { due: '2026-03-08T09:30:00-05:00' };
    expect(match({ field: 'due', operator: 'equals', value: '2026-03-08T14:30:00Z' }, at)).toBe(true);
    expect(match({ field: 'due', operator: 'greater_than', value: '2026-03-08' }, at)).toBe(true);
    expect(match({ field: 'due', operator: 'less_than', value: '2026-03-08T14:30:00.001Z' }, at)).toBe(true);
    // Offset-less date-times are UTC, whatever the machine's zone.
    expect(
      match({ field: 'd', operator: 'equals', value: '2026-01-01T00:00:00Z' }, { d: '2026-01-01T00:00' }),
    ).toBe(true);
    expect(match({ field: 'd', operator: 'greater_than', value: '2026-01-01' }, { d: 1767225601000 })).toBe(
      false,
    );
  });

  it('treats missing and null as "no value"', () => {
    expect(match({ field: 'x', operator: 'exists' }, {})).toBe(false);
    expect(match({ field: 'x', operator: 'exists' }, { x: null })).toBe(false);
    expect(match({ field: 'x', operator: 'exists' }, { x: 0 })).toBe(true);
    expect(match({ field: 'x', operator: 'equals', value: null }, {})).toBe(true);
    expect(match({ field: 'x', operator: 'not_equals', value: 'a' }, {})).toBe(true);
    expect(match({ field: 'x', operator: 'changed' }, { x: null }, {})).toBe(false);
    expect(match({ field: 'x', operator: 'changed_from', value: null }, { x: 'a' }, { x: null })).toBe(true);
    expect(match({ field: 'x', operator: 'greater_than', value: 0 }, { x: null })).toBe(false);
  });

  it('handles arrays: deep equality, membership, in', () => {
    expect(match({ field: 'tags', operator: 'equals', value: ['a', 'b'] }, { tags: ['a', 'b'] })).toBe(true);
    expect(match({ field: 'tags', operator: 'equals', value: ['b', 'a'] }, { tags: ['a', 'b'] })).toBe(false);
    expect(match({ field: 'tags', operator: 'contains', value: 'vip' }, { tags: ['lead', 'vip'] })).toBe(
      true,
    );
    expect(match({ field: 'tags', operator: 'contains', value: 'vi' }, { tags: ['lead', 'vip'] })).toBe(
      false,
    );
    expect(match({ field: 'ids', operator: 'contains', value: 7 }, { ids: ['7', 8] })).toBe(true);
    expect(match({ field: 's', operator: 'in', value: ['open', 'won'] }, { s: 'won' })).toBe(true);
    expect(match({ field: 's', operator: 'in', value: ['open', 'won'] }, { s: ['lost', 'open'] })).toBe(true);
    expect(match({ field: 's', operator: 'in', value: [null] }, {})).toBe(false);
    expect(match({ field: 'o', operator: 'changed' }, { o: { a: 1, b: 2 } }, { o: { b: 2, a: 1 } })).toBe(
      false,
    );
  });

  it('is case-sensitive for strings and reads booleans from text', () => {
    expect(match({ field: 'n', operator: 'contains', value: 'acme' }, { n: 'Acme Corp' })).toBe(false);
    expect(match({ field: 'n', operator: 'contains', value: 'Acme' }, { n: 'Acme Corp' })).toBe(true);
    expect(match({ field: 'vip', operator: 'equals', value: 'true' }, { vip: true })).toBe(true);
    expect(match({ field: 'vip', operator: 'equals', value: true }, { vip: 'true' })).toBe(true);
    expect(match({ field: 'vip', operator: 'equals', value: 1 }, { vip: true })).toBe(false);
  });

  it('resolves dotted paths and array indexes, never prototype members', () => {
    const data = { owner: { email: 'a@b.c', roles: ['admin'] } };
    expect(match({ field: 'owner.email', operator: 'equals', value: 'a@b.c' }, data)).toBe(true);
    expect(match({ field: 'owner.roles.0', operator: 'equals', value: 'admin' }, data)).toBe(true);
    expect(match({ field: 'owner.a.b.c', operator: 'exists' }, data)).toBe(false);
    expect(match({ field: 'owner.toString', operator: 'exists' }, data)).toBe(false);
    expect(match({ field: 'owner.email.length', operator: 'exists' }, data)).toBe(false);
    expect(validateCondition({ field: 'constructor.name', operator: 'exists' })).toEqual([
      { path: 'field', message: 'field segment "constructor" is not allowed' },
    ]);
  });
});

describe('groups', () => {
  const cond: Condition = {
    all: [
      { field: 'status', operator: 'equals', value: 'won' },
      {
        any: [
          { field: 'value', operator: 'greater_than', value: 1000 },
          { field: 'vip', operator: 'equals', value: true },
        ],
      },
    ],
  };

  it('combines all and any, explaining the deciding parts', () => {
    expect(evaluateCondition(cond, { data: { status: 'won', value: 50, vip: true } })).toEqual({
      match: true,
      reason: 'status equals "won" and vip equals true',
    });
    expect(evaluateCondition(cond, { data: { status: 'open', value: 5000 } })).toEqual({
      match: false,
      reason: 'status is "open", not "won"',
    });
    expect(evaluateCondition(cond, { data: { status: 'won', value: 5 } }).reason).toBe(
      'value (5) is not greater than 1000 or vip is missing, not true',
    );
    expect(match({ all: [] }, {})).toBe(true);
  });
});

describe('seed 003 from/to filters', () => {
  it('expresses StatusFrom/StatusTo and ChangedOpportunityField', () => {
    const f = {
      all: [fromToFilter({ field: 'status', from: 'Lost', to: 'Open' }), changedFieldFilter('mx_Custom_10')],
    };
    expect(validateCondition(f)).toEqual([]);
    expect(match(f, { status: 'Open', mx_Custom_10: 'b' }, { status: 'Lost', mx_Custom_10: 'a' })).toBe(true);
    expect(match(f, { status: 'Open', mx_Custom_10: 'a' }, { status: 'Lost', mx_Custom_10: 'a' })).toBe(
      false,
    );
    expect(match(f, { status: 'Open', mx_Custom_10: 'b' }, { status: 'Won', mx_Custom_10: 'a' })).toBe(false);
    expect(fromToFilter({ field: 'stage', to: 'Negotiation' })).toEqual({
      field: 'stage',
      operator: 'changed_to',
      value: 'Negotiation',
    });
    expect(fromToFilter({ field: 'stage' })).toEqual({ field: 'stage', operator: 'changed' });
  });
});

describe('validation', () => {
  it('rejects impossible rules with field-level messages', () => {
    const problems = validateCondition({
      all: [
        { field: 'a', operator: 'changed', value: 'x' },
        { field: 'b', operator: 'exists', value: 1 },
        { field: 'c', operator: 'greater_than', value: 'soon' },
        { field: 'd', operator: 'in', value: 'x' },
        { field: 'e', operator: 'changed_to' },
        { field: 'f', operator: 'equals' },
        { field: 'g', operator: 'like', value: 1 },
        { field: '', operator: 'equals', value: 1 },
        { any: [] },
      ],
    });
    expect(problems).toEqual([
      { path: 'all.0.value', message: 'changed takes no value' },
      { path: 'all.1.value', message: 'exists takes no value' },
      { path: 'all.2.value', message: 'greater_than needs a number or an ISO 8601 date, got "soon"' },
      { path: 'all.3.value', message: 'in needs a non-empty array of values' },
      { path: 'all.4.value', message: 'changed_to needs a value' },
      { path: 'all.5.value', message: 'equals needs a value' },
      { path: 'all.6.operator', message: `unsupported operator "like"; use one of ${OPERATORS.join(', ')}` },
      { path: 'all.7.field', message: 'field is required' },
      { path: 'all.8.any', message: 'any needs at least one condition (an empty any never matches)' },
    ]);
    expect(validateCondition('status = won')[0]?.path).toBe('');
    expect(() => compileCondition({ field: 'a', operator: 'changed', value: 1 })).toThrow(InvalidInputError);
  });

  it('the zod schema reports the same problems at their paths, and accepts valid conditions', () => {
    const bad = ConditionSchema.safeParse({ any: [{ field: 'x', operator: 'nope' }] });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => [i.path, i.message.split(';')[0]])).toEqual([
      [['any', 0, 'operator'], 'unsupported operator "nope"'],
    ]);
    const good = { all: [{ field: 'x', operator: 'in', value: [1, 2] }] };
    expect(ConditionSchema.parse(good)).toEqual(good);
  });
});

describe('properties', () => {
  const anyCondition: fc.Arbitrary<Condition> = fc.letrec<{ c: Condition }>((tie) => ({
    c: fc.oneof(
      { depthSize: 'small' },
      fc.record({
        field: fc.constantFrom('a', 'b', 'a.b', 'c.0', 'x.y.z', 'w.v.u.t'),
        operator: fc.constantFrom(...OPERATORS),
        value: fc.jsonValue(),
      }),
      fc.record({ all: fc.array(tie('c'), { maxLength: 3 }) }),
      fc.record({ any: fc.array(tie('c'), { maxLength: 3 }) }),
    ),
  })).c;
  const fieldData = fc.oneof(
    fc.jsonValue(),
    fc.record({ a: fc.jsonValue(), b: fc.jsonValue(), c: fc.jsonValue() }),
  );

  it('evaluation never throws on arbitrary JSON (for every condition that validates)', () => {
    fc.assert(
      fc.property(anyCondition, fieldData, fc.option(fieldData), (cond, data, previous) => {
        if (validateCondition(cond).length > 0) return;
        const r = evaluateCondition(cond, { data, previous });
        expect(typeof r.match).toBe('boolean');
        expect(typeof r.reason).toBe('string');
        expect(compileCondition(cond).test({ data, previous })).toBe(r.match);
      }),
      { numRuns: 2000 },
    );
  });

  it('the generated test agrees with the closure reference on arbitrary rules and data', () => {
    const value = fc.oneof(
      trickyValue,
      fc.array(fc.constantFrom('won', 'open', 'USD', '7', 7, 'true', '2026-03-08'), { maxLength: 10 }),
    );
    const leafArb = fc.record({
      field: fc.constantFrom(
        'a',
        'b',
        'a.b',
        'c.0',
        'x.y.z',
        'length',
        'a.length',
        'toString',
        'constructor',
      ),
      operator: fc.constantFrom(...OPERATORS),
      value,
    });
    const cond = fc
      .array(leafArb, { minLength: 1, maxLength: 4 })
      .map((all) => ({ any: [{ all }, all[0]] }) as Condition);
    const datum = fc.oneof(value, fc.record({ b: value, length: value }, { requiredKeys: [] }));
    const data = fc.record(
      { a: datum, b: value, c: fc.array(value, { maxLength: 2 }) },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(cond, data, fc.option(data), (c, d, p) => {
        if (validateCondition(c).length > 0) return;
        const generated = generateTest(c);
        expect(generated).toBeDefined();
        expect(generated?.({ data: d, previous: p })).toBe(referenceTest(c)({ data: d, previous: p }));
      }),
      { numRuns: 3000 },
    );
  });

  it('field names and values never become code', () => {
    const evil = '"]; throw new Error("injected"); //'; // no dots: one path segment
    const c: Condition = {
      all: [
        { field: evil, operator: 'equals', value: '"); globalThis.pwned = 1; ("' },
        { field: 'x', operator: 'in', value: ['`+(globalThis.pwned = 1)+`', "'+(globalThis.pwned=1)+'"] },
      ],
    };
    expect(
      evaluateCondition(c, {
        data: { [evil]: '"); globalThis.pwned = 1; ("', x: "'+(globalThis.pwned=1)+'" },
      }).match,
    ).toBe(true);
    expect((globalThis as { pwned?: number }).pwned).toBeUndefined();
  });

  it('looseEqual is symmetric and the precompiled matchers agree with it', () => {
    fc.assert(
      fc.property(trickyValue, trickyValue, (a, b) => {
        expect(looseEqual(a, b)).toBe(looseEqual(b, a));
        expect(equalsMatcher(b)(a)).toBe(looseEqual(a, b));
        const gt = orderMatcher(b, 1)(a);
        const lt = orderMatcher(a, -1)(b);
        expect(gt).toBe(lt);
      }),
      { numRuns: 3000 },
    );
  });
});
