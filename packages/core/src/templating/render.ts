import { compilePath, FORBIDDEN_SEGMENTS, INHERITED } from '../conditions/compare.ts';
import { InvalidInputError } from '../errors.ts';
import { type Filter, parseTemplate, type Token } from './parse.ts';

/** Options for rendering: `escape: 'html'` escapes every inserted value (for e-mail HTML bodies). */
export interface RenderOptions {
  escape?: 'html';
}

/** A rendered string and the token paths that had no value (rendered empty). */
export interface RenderResult {
  output: string;
  missing: string[];
}

/** The values merge tokens read: a plain JSON-like object (its own properties only are ever visible). */
export type MergeContext = Record<string, unknown>;

type Getter = (ctx: unknown) => unknown;

/**
 * A template compiled once: `texts` has one more entry than `tokens`; the output is texts[0], value 0, texts[1], ….
 * Parallel arrays keep the render loop monomorphic, which is most of its speed.
 */
export interface CompiledTemplate {
  readonly texts: readonly string[];
  readonly paths: readonly string[];
  readonly getters: readonly Getter[];
  readonly filters: readonly (Filter[] | undefined)[];
  readonly tokens: readonly Token[];
  /** The template as one generated function (undefined where code generation is unavailable). */
  readonly render: GeneratedRender | undefined;
}

/** A generated renderer: the output string; token indexes without a value are pushed to `missing`. */
type GeneratedRender = (ctx: unknown, html: boolean, missing: number[]) => string;

const MAX_CACHE = 5000;
const cache = new Map<string, CompiledTemplate>();

/** Compiles a template (cached by its text); throws InvalidInputError listing every syntax problem. */
export function compileTemplate(template: string): CompiledTemplate {
  const hit = cache.get(template);
  if (hit) return hit;
  const { parts, problems } = parseTemplate(template);
  if (problems.length > 0) throw new InvalidInputError('invalid template', problems);
  const texts: string[] = [''];
  const tokens: Token[] = [];
  for (const p of parts) {
    if (typeof p === 'string') texts[texts.length - 1] += p;
    else {
      tokens.push(p);
      texts.push('');
    }
  }
  const compiled: CompiledTemplate = {
    texts,
    paths: tokens.map((t) => t.path),
    // Own properties only: `{{constructor.name}}`, `{{__proto__}}`, `{{name.length}}` all resolve to nothing.
    getters: tokens.map((t) => compilePath(t.path)),
    filters: tokens.map((t) => (t.filters.length > 0 ? t.filters : undefined)),
    tokens,
    render: generateRender(texts, tokens),
  };
  // A bounded cache: templates come from stored workflows, but a flood of distinct ones must not grow memory.
  if (cache.size >= MAX_CACHE) cache.clear();
  cache.set(template, compiled);
  return compiled;
}

// Segments read with a plain property access in generated code: ordinary names only (inherited names such as
// `constructor` or `length` go through compilePath's own-property check instead).
function plainSegments(t: Token): string[] | undefined {
  const segs = t.path.split('.');
  return segs.length <= 4 && segs.every((s) => !INHERITED.has(s) && !FORBIDDEN_SEGMENTS.has(s))
    ? segs
    : undefined;
}

/**
 * Generates the whole template as one function: literal text and property names enter the source only as
 * JSON string literals, so nothing in a template can become code. Falls back to the loop when `new Function` is
 * unavailable (e.g. a CSP that forbids it).
 */
function generateRender(texts: readonly string[], tokens: readonly Token[]): GeneratedRender | undefined {
  const lines = ['"use strict";', `let out = ${JSON.stringify(texts[0])};`, 'let v; let t;'];
  tokens.forEach((tok, k) => {
    const segs = plainSegments(tok);
    if (segs) {
      lines.push('v = c;');
      for (const seg of segs)
        lines.push(`v = typeof v === 'object' && v !== null ? v[${JSON.stringify(seg)}] : undefined;`);
      lines.push(`if (typeof v === 'function') v = undefined;`);
    } else lines.push(`v = g[${k}](c);`);
    if (tok.filters.length > 0) lines.push(`v = af(v, f[${k}]);`);
    lines.push(
      `if (typeof v === 'string') out += html ? esc(v) : v;`,
      `else { t = text(v); if (t === undefined) missing.push(${k}); else out += html ? esc(t) : t; }`,
    );
    if (texts[k + 1] !== '') lines.push(`out += ${JSON.stringify(texts[k + 1])};`);
  });
  lines.push('return out;');
  try {
    const factory = new Function(
      'g',
      'f',
      'af',
      'text',
      'esc',
      `return function render(c, html, missing) {\n${lines.join('\n')}\n};`,
    );
    return factory(
      tokens.map((t) => compilePath(t.path)),
      tokens.map((t) => t.filters),
      applyFilters,
      valueToText,
      escapeHtml,
    ) as GeneratedRender;
  } catch {
    return undefined;
  }
}

/** The text a value renders as: scalars as text, arrays joined by ", ", objects as JSON; functions are nothing. */
export function valueToText(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(v);
    case 'object':
      if (v === null) return undefined;
      if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.toISOString();
      if (Array.isArray(v)) return v.map((x) => valueToText(x) ?? '').join(', ');
      try {
        return JSON.stringify(v);
      } catch {
        return undefined;
      }
    default:
      return undefined;
  }
}

function applyFilters(v: unknown, filters: Filter[]): unknown {
  for (const f of filters) {
    if (f.name === 'default') {
      if (v == null || v === '') v = f.arg;
    } else if (v != null) {
      const t = valueToText(v);
      v = t === undefined ? undefined : f.name === 'upcase' ? t.toUpperCase() : t.toLowerCase();
    }
  }
  return v;
}

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const HTML_CHARS = /[&<>"']/g;
const HAS_HTML_CHARS = /[&<>"']/;

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return HAS_HTML_CHARS.test(s) ? s.replace(HTML_CHARS, (c) => HTML[c] ?? c) : s;
}

/**
 * Renders a template against a context. Inserted values are plain text: a value containing `{{…}}` comes out
 * literally and is never rendered again. A token without a value renders empty and its path is listed in `missing`
 * (`default` supplies a value for null, missing or ""). Throws InvalidInputError only for a malformed template.
 */
export function renderTemplate(
  template: string,
  context: MergeContext,
  opts: RenderOptions = {},
): RenderResult {
  return renderCompiled(compileTemplate(template), context, opts);
}

/**
 * Renders a compiled template. `interpreted: true` forces the plain loop that stands in where code generation is
 * unavailable (the tests hold the two paths to the same results).
 */
export function renderCompiled(
  compiled: CompiledTemplate,
  context: MergeContext,
  opts: RenderOptions & { interpreted?: boolean } = {},
): RenderResult {
  const html = opts.escape === 'html';
  if (compiled.render !== undefined && opts.interpreted !== true) {
    const missingAt: number[] = [];
    const output = compiled.render(context, html, missingAt);
    if (missingAt.length === 0) return { output, missing: [] };
    return { output, missing: [...new Set(missingAt.map((k) => compiled.paths[k] as string))] };
  }
  const { texts, getters, filters, paths } = compiled;
  let output = texts[0] as string;
  let missing: string[] | undefined;
  for (let k = 0; k < getters.length; k++) {
    let v = (getters[k] as Getter)(context);
    const f = filters[k];
    if (f !== undefined) v = applyFilters(v, f);
    const text = typeof v === 'string' ? v : valueToText(v);
    if (text === undefined) {
      missing ??= [];
      const path = paths[k] as string;
      if (!missing.includes(path)) missing.push(path);
    } else output += html ? escapeHtml(text) : text;
    output += texts[k + 1] as string;
  }
  return { output, missing: missing ?? [] };
}
