import type { Problem } from '../errors.ts';

/**
 * The merge-token grammar (a strict subset of Liquid output tags, so templates stay portable):
 *   token   = "{{" ws path ws ( "|" ws filter ws )* "}}"
 *   path    = name ( "." name | "[" digits "]" )*        name = [A-Za-z0-9_-]+ (the first starts with a letter or _)
 *   filter  = "default:" ws literal | "upcase" | "downcase"
 *   literal = "…" | '…' (no escapes) | a number
 * Tags (`{% … %}`) and every other filter are refused: nothing in a template is ever code.
 */

/** A filter applied to a token's value. */
export type Filter = { name: 'default'; arg: string } | { name: 'upcase' } | { name: 'downcase' };

/** One `{{ … }}` of a template: its dotted path, the path split into segments, and its filters. */
export interface Token {
  path: string;
  segments: string[];
  filters: Filter[];
}

/** A parsed template: literal text and tokens in order, plus every syntax problem. */
export interface ParsedTemplate {
  parts: (string | Token)[];
  problems: Problem[];
}

function problem(at: number, message: string): Problem {
  return { path: '', message: `${message} (at character ${at + 1})` };
}

const PATH = /^[A-Za-z_][\w-]*(?:\.[\w-]+|\[\d+\])*$/;
const LITERAL = /^(?:"([^"]*)"|'([^']*)'|(-?\d+(?:\.\d+)?))$/;

function parseFilter(text: string, at: number): Filter | Problem {
  const colon = text.indexOf(':');
  const name = (colon === -1 ? text : text.slice(0, colon)).trim();
  const arg = colon === -1 ? undefined : text.slice(colon + 1).trim();
  if (name === 'upcase' || name === 'downcase') {
    return arg === undefined ? { name } : problem(at, `${name} takes no argument`);
  }
  if (name === 'default') {
    const m = arg === undefined ? null : LITERAL.exec(arg);
    if (!m) return problem(at, 'default needs one literal: default: "text" or default: 0');
    return { name, arg: m[1] ?? m[2] ?? m[3] ?? '' };
  }
  return problem(at, `unknown filter ${JSON.stringify(name)}; use default, upcase or downcase`);
}

// Splits on "|" outside quotes, so `default: "a|b"` keeps its literal.
function splitPipes(s: string): string[] {
  const out: string[] = [];
  let quote = '';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '|') {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  return out;
}

function bareToken(path: string): Token {
  const normalized = path.includes('[') ? path.replace(/\[(\d+)\]/g, '.$1') : path;
  return { path: normalized, segments: normalized.split('.'), filters: [] };
}

function parseToken(inner: string, at: number, checkOnly = false): Token | Problem[] {
  // Fast path: most tokens are a bare path.
  if (!inner.includes('|')) {
    const path = inner.trim();
    if (path !== '' && PATH.test(path)) return checkOnly ? BARE : bareToken(path);
  }
  const [head = '', ...rest] = splitPipes(inner);
  const path = head.trim();
  const problems: Problem[] = [];
  if (path === '') problems.push(problem(at, 'empty merge token {{ }}'));
  else if (!PATH.test(path)) {
    problems.push(problem(at, `invalid merge token {{${inner}}}: use a dotted path such as deal.name`));
  }
  const filters: Filter[] = [];
  for (const f of rest) {
    const parsed = parseFilter(f, at);
    if ('message' in parsed) problems.push(parsed);
    else filters.push(parsed);
  }
  if (problems.length > 0) return problems;
  return { ...bareToken(path), filters };
}

const BARE = { path: '', segments: [], filters: [] } satisfies Token;

// Char classes of the PATH grammar, by char code: 1 = a name's character ([\w-]), 2 = also a first character.
const NAME_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z_]/.test(ch)) NAME_CHAR[c] = 2;
  else if (/[\w-]/.test(ch)) NAME_CHAR[c] = 1;
}
const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

/** The end of the `[\w-]*` run starting at `i`. */
function nameEnd(t: string, i: number): number {
  let c = t.charCodeAt(i);
  while (c < 128 && (NAME_CHAR[c] as number) > 0) c = t.charCodeAt(++i);
  return i;
}

/**
 * True when `scan` would find no problem in `template`: every `{` is plain text or opens a bare path token closed
 * by `}}`, read in place without cutting the token out. False means "scan it" (scan is the authority on messages);
 * a `{%`, a filter, Unicode spaces… are all left to scan. Visiting every `{` finds every `{{` and `{%` outside a
 * token, and a bare token holds no `{`.
 */
function readsClean(t: string): boolean {
  for (let open = t.indexOf('{'); open !== -1; open = t.indexOf('{', open + 1)) {
    const next = t.charCodeAt(open + 1);
    if (next === 37) return false;
    if (next !== 123) continue;
    let i = open + 2;
    while (isSpace(t.charCodeAt(i))) i++;
    if (NAME_CHAR[t.charCodeAt(i)] !== 2) return false;
    i = nameEnd(t, i + 1);
    for (let c = t.charCodeAt(i); ; c = t.charCodeAt(i)) {
      if (c === 46) {
        const from = i + 1;
        i = nameEnd(t, from);
        if (i === from) return false;
      } else if (c === 91) {
        const from = i + 1;
        for (i = from, c = t.charCodeAt(i); c >= 48 && c <= 57; c = t.charCodeAt(++i));
        if (i === from || c !== 93) return false;
        i++;
      } else break;
    }
    while (isSpace(t.charCodeAt(i))) i++;
    // No `}` came before, so this is the `}}` scan's indexOf finds.
    if (t.charCodeAt(i) !== 125 || t.charCodeAt(i + 1) !== 125) return false;
    open = i + 1;
  }
  return true;
}

/** Only the syntax problems of a template (no tokens built): the validation path for whole workflows. */
export function templateProblems(template: string): Problem[] {
  return readsClean(template) ? [] : scan(template, true).problems;
}

/** Parses a template into text and tokens; never throws, every syntax problem is listed. */
export function parseTemplate(template: string): ParsedTemplate {
  return scan(template, false);
}

/**
 * Parses a template into text and tokens; never throws, every syntax problem is listed. With `checkOnly` it keeps
 * neither text nor tokens: whole-workflow validation scans every setting of every node for problems alone.
 */
function scan(template: string, checkOnly: boolean): ParsedTemplate {
  const parts: (string | Token)[] = [];
  const problems: Problem[] = [];
  let i = 0;
  let text = '';
  while (i < template.length) {
    const open = template.indexOf('{{', i);
    const tag = template.indexOf('{%', i);
    if (tag !== -1 && (open === -1 || tag < open)) {
      problems.push(problem(tag, 'tags ({% … %}) are not supported; use {{ path }} merge tokens'));
    }
    if (open === -1) {
      if (!checkOnly) text += template.slice(i);
      break;
    }
    if (!checkOnly) text += template.slice(i, open);
    const close = template.indexOf('}}', open + 2);
    if (close === -1) {
      problems.push(problem(open, 'unclosed merge token: "{{" without "}}"'));
      if (!checkOnly) text += template.slice(open);
      break;
    }
    const token = parseToken(template.slice(open + 2, close), open, checkOnly);
    if (Array.isArray(token)) problems.push(...token);
    else if (!checkOnly) {
      if (text !== '') parts.push(text);
      text = '';
      parts.push(token);
    }
    i = close + 2;
  }
  if (text !== '') parts.push(text);
  return { parts, problems };
}
