import type { Problem } from '../errors.ts';
import { parseTemplate, type Token, templateProblems } from './parse.ts';
import { type MergeContext, type RenderOptions, renderTemplate } from './render.ts';

/** A rendered config object and every token path (deduplicated) that had no value. */
export interface RenderConfigResult<T> {
  value: T;
  missing: string[];
}

const MAX_DEPTH = 32;

function walkStrings(
  value: unknown,
  path: string,
  depth: number,
  visit: (s: string, path: string) => void,
): void {
  if (typeof value === 'string') visit(value, path);
  else if (depth < MAX_DEPTH && Array.isArray(value)) {
    for (const [i, v] of value.entries())
      walkStrings(v, path === '' ? String(i) : `${path}.${i}`, depth + 1, visit);
  } else if (depth < MAX_DEPTH && typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value))
      walkStrings(v, path === '' ? k : `${path}.${k}`, depth + 1, visit);
  }
}

/**
 * Renders every string leaf of a JSON config object (keys and non-string values untouched). Each leaf is rendered
 * on its own, so a value can never break out of its string into the structure (no rendering into serialized JSON).
 */
export function renderConfig<T>(
  config: T,
  context: MergeContext,
  opts: RenderOptions = {},
): RenderConfigResult<T> {
  const missing = new Set<string>();
  const render = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') {
      if (!value.includes('{{')) return value;
      const r = renderTemplate(value, context, opts);
      for (const m of r.missing) missing.add(m);
      return r.output;
    }
    if (depth >= MAX_DEPTH) return value;
    if (Array.isArray(value)) return value.map((v) => render(v, depth + 1));
    if (typeof value === 'object' && value !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = render(v, depth + 1);
      return out;
    }
    return value;
  };
  return { value: render(config, 0) as T, missing: [...missing] };
}

function tokensOf(template: string): Token[] {
  return parseTemplate(template).parts.filter((p): p is Token => typeof p !== 'string');
}

/** The distinct token paths of a template (`deal.name`, …), in order of appearance; syntax errors are skipped. */
export function tokenPaths(template: string): string[] {
  return [...new Set(tokensOf(template).map((t) => t.path))];
}

/** The distinct roots of a template's tokens (`deal` for `{{deal.name}}`). */
export function tokenRoots(template: string): string[] {
  return [...new Set(tokensOf(template).map((t) => t.segments[0] ?? ''))];
}

/**
 * The token paths anywhere in a config object whose root is not one of `knownRoots` (e.g. `dael.name` when only
 * `deal` is known): the list a publish-time error names. Distinct, in order of appearance.
 */
export function unknownTokenRoots(config: unknown, knownRoots: readonly string[]): string[] {
  const known = new Set(knownRoots);
  const out = new Set<string>();
  walkStrings(config, '', 0, (s) => {
    if (!s.includes('{{')) return;
    for (const t of tokensOf(s)) if (!known.has(t.segments[0] ?? '')) out.add(t.path);
  });
  return [...out];
}

/** Syntax problems of one template (unclosed tokens, bad paths, unknown filters, tags); empty when valid. */
export function validateTemplate(template: string): Problem[] {
  return templateProblems(template);
}

/** Syntax problems of every string leaf of a config object, each at the leaf's dotted path under `basePath`. */
export function validateConfigTemplates(config: unknown, basePath = ''): Problem[] {
  const problems: Problem[] = [];
  walkStrings(config, basePath, 0, (s, path) => {
    if (s.includes('{{') || s.includes('{%')) {
      for (const p of templateProblems(s)) problems.push({ path, message: p.message });
    }
  });
  return problems;
}
