import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from './errors.ts';
import {
  compileTemplate,
  parseTemplate,
  renderCompiled,
  renderConfig,
  renderTemplate,
  tokenPaths,
  tokenRoots,
  unknownTokenRoots,
  validateConfigTemplates,
  validateTemplate,
} from './templating.ts';

const deal = {
  name: 'Acme renewal',
  value: 12000,
  currency: 'EUR',
  owner: { name: 'Ann' },
  tags: ['vip', 'q4'],
};

describe('seed 000 action_config', () => {
  const config = {
    channel: 'slack',
    recipient: '#sales-wins',
    message: 'Deal {{deal.name}} closed at {{deal.value}} {{deal.currency}}',
  };

  it('renders every string leaf from the deal', () => {
    expect(renderConfig(config, { deal })).toEqual({
      value: { channel: 'slack', recipient: '#sales-wins', message: 'Deal Acme renewal closed at 12000 EUR' },
      missing: [],
    });
  });

  it('reports missing leaves and renders them empty', () => {
    expect(renderConfig(config, { deal: { name: 'X' } })).toEqual({
      value: { ...config, message: 'Deal X closed at  ' },
      missing: ['deal.value', 'deal.currency'],
    });
  });

  it('lists tokens whose root is unknown, for publish-time errors', () => {
    expect(
      unknownTokenRoots({ ...config, extra: ['{{dael.name}}', { x: '{{user.plan}}' }] }, ['deal', 'user']),
    ).toEqual(['dael.name']);
    expect(tokenRoots(config.message)).toEqual(['deal']);
    expect(tokenPaths(config.message)).toEqual(['deal.name', 'deal.value', 'deal.currency']);
  });
});

describe('rendering', () => {
  it('supports nested paths, array indexes, defaults and case filters', () => {
    const ctx = { deal, contact: { first_name: '' } };
    expect(renderTemplate('{{deal.owner.name}} / {{deal.tags[1]}} / {{deal.tags.0}}', ctx).output).toBe(
      'Ann / q4 / vip',
    );
    expect(renderTemplate('Hi {{contact.first_name | default: "there"}}!', ctx)).toEqual({
      output: 'Hi there!',
      missing: [],
    });
    expect(renderTemplate("Hi {{ contact.last | default: 'you' | upcase }}", ctx).output).toBe('Hi YOU');
    expect(renderTemplate('{{deal.currency | downcase}} {{deal.x | default: 0}}', ctx).output).toBe('eur 0');
    expect(renderTemplate('{{deal.tags}} {{deal.owner}}', ctx).output).toBe('vip, q4 {"name":"Ann"}');
    expect(renderTemplate('{{ a }}{{a}}', {}).missing).toEqual(['a']);
  });

  it('inserts values literally: a value containing tokens is never rendered again', () => {
    const ctx = { deal: { name: '{{secret}}', note: '{% raw %}' }, secret: 'leak' };
    expect(renderTemplate('{{deal.name}} {{deal.note}}', ctx).output).toBe('{{secret}} {% raw %}');
  });

  it('escapes inserted values (not the template) in html mode', () => {
    const ctx = { c: { name: '<b>"Tom" & Jerry\'s</b>' } };
    expect(renderTemplate('<p>{{c.name}}</p>', ctx, { escape: 'html' }).output).toBe(
      '<p>&lt;b&gt;&quot;Tom&quot; &amp; Jerry&#39;s&lt;/b&gt;</p>',
    );
    expect(renderTemplate('<p>{{c.name}}</p>', ctx).output).toBe('<p><b>"Tom" & Jerry\'s</b></p>');
  });

  it("never renders into serialized JSON: a value cannot break a config's structure", () => {
    const { value } = renderConfig(
      { body: { text: 'x {{v}}' }, n: 5, ok: true },
      { v: '", "admin": true, "x": "' },
    );
    expect(value).toEqual({ body: { text: 'x ", "admin": true, "x": "' }, n: 5, ok: true });
  });
});

describe('validation', () => {
  it('lists syntax problems with their position', () => {
    expect(validateTemplate('Hello {{ name ')).toEqual([
      { path: '', message: 'unclosed merge token: "{{" without "}}" (at character 7)' },
    ]);
    expect(validateTemplate('{{ }}')[0]?.message).toMatch(/^empty merge token/);
    expect(validateTemplate('{{ a + b }}')[0]?.message).toMatch(/^invalid merge token/);
    expect(validateTemplate('{{ a | json }}')[0]?.message).toMatch(/^unknown filter "json"/);
    expect(validateTemplate('{{ a | default }}')[0]?.message).toMatch(/^default needs one literal/);
    expect(validateTemplate('{% if a %}x{% endif %}')[0]?.message).toMatch(
      /^tags \(\{% … %\}\) are not supported/,
    );
    expect(validateTemplate('{{ a | default: "x|y" | upcase }}')).toEqual([]);
    expect(validateConfigTemplates({ to: 'a@b.c', subject: ['ok', 'bad {{'] }, 'action_config')).toEqual([
      {
        path: 'action_config.subject.1',
        message: 'unclosed merge token: "{{" without "}}" (at character 5)',
      },
    ]);
    expect(() => renderTemplate('{{', {})).toThrow(InvalidInputError);
  });

  it('reports exactly what a full parse reports, through the in-place check of clean templates', () => {
    const piece = fc.constantFrom(
      '{{',
      '}}',
      '{%',
      '{',
      '}',
      ' ',
      '\t',
      '\n',
      '\u00a0',
      '.',
      '[',
      ']',
      '0',
      '7',
      'a',
      'Z',
      '_',
      '-',
      '|',
      ':',
      'deal.name',
      'x[2]',
      ' | upcase',
      ' | default: "a}}"',
      'é',
    );
    // Mostly tokens, so the clean ones and the nearly clean ones both come up often.
    const token = fc.array(piece, { maxLength: 5 }).map((p) => `{{${p.join('')}}}`);
    const template = fc.array(fc.oneof(piece, token, token), { maxLength: 6 }).map((p) => p.join(''));
    fc.assert(
      fc.property(template, (t) => {
        expect(validateTemplate(t)).toEqual(parseTemplate(t).problems);
      }),
      { numRuns: 5000 },
    );
    expect(validateTemplate('{{ deal.name }} and {{x[0].y-z}}{{_}}')).toEqual([]);
    expect(validateTemplate('{{ deal.name }} {{ a..b }}')[0]?.message).toMatch(/^invalid merge token/);
  });
});

describe('properties', () => {
  it('rendering never reaches outside its context', () => {
    const segment = fc.oneof(
      fc.constantFrom(
        'constructor',
        '__proto__',
        'prototype',
        'toString',
        'valueOf',
        'length',
        'hasOwnProperty',
        'map',
      ),
      fc.stringMatching(/^[a-z_][a-z0-9_]{0,6}$/),
    );
    const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('.'));
    fc.assert(
      fc.property(path, fc.dictionary(fc.stringMatching(/^[a-z]{1,3}$/), fc.jsonValue()), (p, ctx) => {
        const r = renderTemplate(`{{${p}}}`, ctx);
        // What a token renders is exactly what walking own properties of the JSON context finds.
        let cur: unknown = ctx;
        for (const s of p.split('.')) {
          cur =
            typeof cur === 'object' && cur !== null && Object.hasOwn(cur, s)
              ? (cur as Record<string, unknown>)[s]
              : undefined;
        }
        if (cur === undefined || cur === null) expect(r).toEqual({ output: '', missing: [p] });
        else expect(r.output).not.toMatch(/function|\[native code\]|\[object Object\]/);
      }),
      { numRuns: 2000 },
    );
    expect(renderTemplate('{{constructor.name}}{{__proto__}}{{toString}}', {})).toEqual({
      output: '',
      missing: ['constructor.name', '__proto__', 'toString'],
    });
  });

  it('the generated renderer and the interpreted loop agree', () => {
    const segment = fc.oneof(
      fc.constantFrom('constructor', '__proto__', 'length', 'toString', 'a', 'b', 'name', '0'),
      fc.stringMatching(/^[a-z_][a-z0-9_]{0,4}$/),
    );
    const filter = fc.constantFrom('', ' | default: "x<y>"', ' | upcase', ' | downcase | default: 0');
    const token = fc
      .tuple(fc.constantFrom('a', 'b', 'name', 'constructor'), fc.array(segment, { maxLength: 4 }), filter)
      .map(([first, rest, f]) => `{{ ${[first, ...rest].join('.')}${f} }}`);
    const text = fc.string({ maxLength: 6 }).map((t) => t.replaceAll('{', '(').replaceAll('%', '_'));
    const template = fc.array(fc.tuple(text, token), { maxLength: 5 }).map((xs) => xs.flat().join(''));
    const value = fc.jsonValue({ maxDepth: 3 });
    const ctx = fc.dictionary(fc.constantFrom('a', 'b', 'name', 'constructor'), value);
    fc.assert(
      fc.property(template, ctx, fc.boolean(), (t, c, html) => {
        const compiled = compileTemplate(t);
        const opts = html ? { escape: 'html' as const } : {};
        expect(renderCompiled(compiled, c, opts)).toEqual(
          renderCompiled(compiled, c, { ...opts, interpreted: true }),
        );
      }),
      { numRuns: 2000 },
    );
  });
});
