import type { Problem } from './errors.ts';

/**
 * Webhook header and param lines (seed 004's Webhook node: `headers: "X-Custom-Header: my_value"`,
 * `params: "one: 1\ntwo: 2"`) and the rules every custom delivery header must follow.
 */

/** What parsing produced, plus every problem found (parsing never throws). */
export interface ParsedLines {
  value: Record<string, string>;
  problems: Problem[];
}

/** At most this many custom headers per webhook or Webhook node. */
export const MAX_CUSTOM_HEADERS = 10;
const MAX_NAME_LENGTH = 256;
const MAX_VALUE_LENGTH = 4096;

// RFC 9110 `token`: the only characters a field name may contain.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const CONTROL = /[\r\n\0]/;

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade']);
// Headers we set ourselves (signing, framing, identity); `expect` is refused by undici outright.
const RESERVED = new Set([
  'host',
  'content-length',
  'content-type',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'user-agent',
  'expect',
]);

interface Line {
  key: string;
  value: string;
  /** The line's index, for the problem path `field[index]` (built only when there is a problem). */
  index: number;
}

// Lines end at \r\n, \n or \r. Found by hand rather than split by a regular expression: template validation parses
// every Webhook node's lines, and the regex split was most of the cost of a two-line setting.
function lineEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13) return i;
  }
  return text.length;
}

/**
 * Walks a setting's lines: `visit(key, line, colon, index)` for each `key: value` line (the value is
 * `line.slice(colon + 1).trim()`, cut only by callers that keep it), a problem for each malformed one.
 */
function forEachLine(
  text: string,
  field: string,
  problems: Problem[],
  visit: (key: string, line: string, colon: number, index: number) => void,
): void {
  for (let i = 0, start = 0; ; i++) {
    const end = lineEnd(text, start);
    const line = start === 0 && end === text.length ? text : text.slice(start, end);
    const colon = line.indexOf(':');
    if (colon < 0) {
      if (line.trim() !== '')
        problems.push({
          path: `${field}[${i}]`,
          message: `line ${i + 1} must look like "key: value" (no colon found)`,
        });
    } else {
      const key = line.slice(0, colon).trim();
      if (key === '') problems.push({ path: `${field}[${i}]`, message: `line ${i + 1} has an empty key` });
      else visit(key, line, colon, i);
    }
    if (end === text.length) return;
    start = end + (text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? 2 : 1);
  }
}

function splitLines(text: string, field: string): { lines: Line[]; problems: Problem[] } {
  const out: Line[] = [];
  const problems: Problem[] = [];
  forEachLine(text, field, problems, (key, line, colon, index) => {
    out.push({ key, value: line.slice(colon + 1).trim(), index });
  });
  return { lines: out, problems };
}

/**
 * Whether a lower-cased name was met before. Most settings have a single header, so the set is made only when a
 * second name comes (allocating one per call was half the cost of parsing a one-line setting).
 */
class SeenNames {
  private first: string | undefined;
  private rest: Set<string> | undefined;
  /** Records `lower`; true when it was already there. */
  repeat(lower: string): boolean {
    if (this.first === undefined) {
      this.first = lower;
      return false;
    }
    if (lower === this.first || this.rest?.has(lower)) return true;
    this.rest ??= new Set();
    this.rest.add(lower);
    return false;
  }
}

/**
 * Parses `"K: V"` header lines (one per line, split at the first colon, blank lines ignored). Names are checked as
 * HTTP tokens and must be unique ignoring case; use `validateCustomHeaders` for the delivery rules.
 */
export function parseHeaderLines(text: string, field = 'headers'): ParsedLines {
  const { lines, problems } = splitLines(text, field);
  const value: Record<string, string> = {};
  const seen = new SeenNames();
  for (const { key, value: v, index } of lines) {
    if (!TOKEN.test(key)) {
      problems.push({ path: `${field}[${index}]`, message: `"${key}" is not a valid header name` });
      continue;
    }
    if (seen.repeat(key.toLowerCase())) {
      problems.push({ path: `${field}[${index}]`, message: `header "${key}" is given more than once` });
      continue;
    }
    value[key] = v;
  }
  return { value, problems };
}

/**
 * Parses `"k: v"` param lines into a flat object (split at the first colon so values may contain colons, e.g.
 * URLs). A repeated key is reported; values stay strings (merge tokens are rendered later).
 */
export function parseParamLines(text: string, field = 'params'): ParsedLines {
  const { lines, problems } = splitLines(text, field);
  const value: Record<string, string> = {};
  for (const { key, value: v, index } of lines) {
    if (Object.hasOwn(value, key)) {
      problems.push(repeatedParam(field, index, key));
      continue;
    }
    value[key] = v;
  }
  return { value, problems };
}

/**
 * The problems {@link parseParamLines} reports, without building the params: template validation checks every
 * Webhook node's params and keeps only the problems, and making the object (its keys interned one by one) was most
 * of the cost.
 */
export function paramLineProblems(text: string, field = 'params'): Problem[] {
  const problems: Problem[] = [];
  const repeats: Problem[] = [];
  const seen = new SeenNames();
  forEachLine(text, field, problems, (key, _line, _colon, index) => {
    // parseParamLines stores into a plain object, where `__proto__` never becomes a key, so never repeats.
    if (key !== '__proto__' && seen.repeat(key)) repeats.push(repeatedParam(field, index, key));
  });
  // In parseParamLines' order: the malformed lines first, then the repeated names.
  return repeats.length === 0 ? problems : problems.concat(repeats);
}

function repeatedParam(field: string, index: number, key: string): Problem {
  return { path: `${field}[${index}]`, message: `param "${key}" is given more than once` };
}

/**
 * The lengths of the names `forbiddenHeaderReason` refuses by name: a name of any other length is refused only for
 * a `proxy-` prefix, so a caller can rule most names out without lower-casing them.
 */
export const FORBIDDEN_HEADER_LENGTHS: ReadonlySet<number> = new Set(
  [...HOP_BY_HOP, ...RESERVED].map((name) => name.length),
);

/** Why a header name may not be set by a user, or null when it may. */
export function forbiddenHeaderReason(name: string): string | null {
  const lower = name.toLowerCase();
  if (HOP_BY_HOP.has(lower) || lower.startsWith('proxy-')) return `"${name}" is a hop-by-hop header`;
  if (RESERVED.has(lower)) return `"${name}" is set by Switchyard and cannot be overridden`;
  return null;
}

/**
 * Checks custom delivery headers: valid token names without CR/LF/NUL, values without CR/LF/NUL, no hop-by-hop or
 * reserved names, names unique ignoring case, and at most `MAX_CUSTOM_HEADERS`.
 */
export function validateCustomHeaders(headers: Record<string, string>, field = 'headers'): Problem[] {
  const problems: Problem[] = [];
  const names = Object.keys(headers);
  if (names.length > MAX_CUSTOM_HEADERS) {
    problems.push({
      path: field,
      message: `at most ${MAX_CUSTOM_HEADERS} custom headers are allowed (${names.length} given)`,
    });
  }
  const seen = new Set<string>();
  for (const name of names) {
    const value = headers[name];
    if (CONTROL.test(name) || !TOKEN.test(name) || name.length > MAX_NAME_LENGTH) {
      problems.push({
        path: `${field}.${name}`,
        message: `"${JSON.stringify(name).slice(1, -1)}" is not a valid header name`,
      });
      continue;
    }
    const reason = forbiddenHeaderReason(name);
    if (reason) problems.push({ path: `${field}.${name}`, message: reason });
    const lower = name.toLowerCase();
    if (seen.has(lower))
      problems.push({ path: `${field}.${name}`, message: `header "${name}" is given more than once` });
    seen.add(lower);
    if (typeof value !== 'string') {
      problems.push({ path: `${field}.${name}`, message: 'header value must be a string' });
    } else if (CONTROL.test(value)) {
      problems.push({ path: `${field}.${name}`, message: 'header value must not contain CR, LF or NUL' });
    } else if (value.length > MAX_VALUE_LENGTH) {
      problems.push({
        path: `${field}.${name}`,
        message: `header value is longer than ${MAX_VALUE_LENGTH} characters`,
      });
    }
  }
  return problems;
}
