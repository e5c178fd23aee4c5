import type { z } from 'zod';
import { minuteOfDayProblem } from '../delays.ts';
import type { Problem } from '../errors.ts';
import { validateConfigTemplates, validateTemplate } from '../templating.ts';
import {
  FORBIDDEN_HEADER_LENGTHS,
  forbiddenHeaderReason,
  MAX_CUSTOM_HEADERS,
  paramLineProblems,
  parseHeaderLines,
  validateCustomHeaders,
} from '../webhookLines.ts';
import { type Accepts, compileAccepts } from './accepts.ts';
import { resolveEdges } from './edges.ts';
import { findCycles, graphOfIndexes, reachableFrom, topologicalOrder } from './graph.ts';
import { NodeIds } from './NodeIds.ts';
import {
  ConditionNode,
  CreateTaskNode,
  DelayNode,
  NODE_TYPES,
  NodePosition,
  type NodeType,
  SendChannelMessageNode,
  SendEmailNode,
  StartNode,
  UpdateFieldNode,
  WebhookNode,
} from './schema.ts';

// Validation reads only the issues, so each node is checked against the schema without its catchall: the same
// fields and rules (refinements included), without copying the node's unknown keys into an output nobody reads.
const SCHEMA_OF: Record<NodeType, z.ZodType> = {
  Start: StartNode.strip(),
  Delay: DelayNode.strip(),
  Webhook: WebhookNode.strip(),
  SendEmail: SendEmailNode.strip(),
  SendChannelMessage: SendChannelMessageNode.strip(),
  CreateTask: CreateTaskNode.strip(),
  UpdateField: UpdateFieldNode.strip(),
  Condition: ConditionNode.strip(),
};

const ACTION_TYPES: ReadonlySet<string> = new Set([
  'Webhook',
  'SendEmail',
  'SendChannelMessage',
  'CreateTask',
  'UpdateField',
]);

/** What validation runs for one node type, found with one lookup of the node's `type`. */
interface NodeRules {
  type: NodeType;
  schema: z.ZodType;
  /** The schema as a predicate where it compiles (see accepts.ts): only the nodes it refuses are parsed. */
  accepts: Accepts | undefined;
  /** An action's settings are checked for merge-token syntax. */
  action: boolean;
}

const RULES_OF: ReadonlyMap<string, NodeRules> = new Map(
  Object.entries(SCHEMA_OF).map(([type, schema]) => [
    type,
    { type: type as NodeType, schema, accepts: compileAccepts(schema), action: ACTION_TYPES.has(type) },
  ]),
);

const HTTP_URL = /^https?:\/\/[^\s/?#]+/i;

/**
 * True for the usual literal URL `HTTP_URL` accepts (`http://` or `https://` in any case, then a printable ASCII
 * host character), read by char codes; false means "ask the regex".
 */
function plainHttpUrl(url: string): boolean {
  for (let i = 0; i < 4; i++) if ((url.charCodeAt(i) | 32) !== 'http'.charCodeAt(i)) return false;
  const colon = (url.charCodeAt(4) | 32) === 115 ? 5 : 4;
  if (url.charCodeAt(colon) !== 58 || url.charCodeAt(colon + 1) !== 47 || url.charCodeAt(colon + 2) !== 47)
    return false;
  const c = url.charCodeAt(colon + 3);
  return c > 32 && c < 127 && c !== 47 && c !== 63 && c !== 35;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function issuesAt(base: string, issues: readonly z.core.$ZodIssue[]): Problem[] {
  return issues.map((i) => ({ path: [base, ...i.path.map(String)].join('.'), message: i.message }));
}

// RFC 9110 `tchar`, by char code (the TOKEN rule of webhookLines.ts).
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
  TCHAR[c.charCodeAt(0)] = 1;
const MAX_HEADER_NAME = 256;
const MAX_HEADER_VALUE = 4096;

const isBlank = (c: number) => c === 32 || c === 9;

/**
 * Walks the `key: value` lines of a setting the way webhookLines.ts splits them (\r\n, \n or \r; split at the first
 * colon; keys trimmed), calling `key(a, b, colon, end)` with the trimmed key's bounds. Returns false — "ask the full
 * parser" — at anything it does not decide for certain: a NUL, a line without a colon that is not blank, an empty
 * key, a key that begins or ends outside printable ASCII (where `trim()` could cut more), or when `key` returns false.
 */
function walkLines(
  text: string,
  key: (a: number, b: number, colon: number, end: number) => boolean,
): boolean {
  // Line ends and colons found by indexOf, which beats a loop over the characters: values are never visited.
  if (text.includes('\0')) return false;
  const n = text.length;
  const hasCr = text.includes('\r');
  for (let start = 0; ; ) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = n;
    if (hasCr) {
      const cr = text.indexOf('\r', start);
      if (cr !== -1 && cr < end) end = cr;
    }
    let colon = text.indexOf(':', start);
    if (colon >= end) colon = -1;
    if (colon === -1) {
      for (let i = start; i < end; i++) if (!isBlank(text.charCodeAt(i))) return false;
    } else {
      let a = start;
      let b = colon;
      while (a < b && isBlank(text.charCodeAt(a))) a++;
      while (b > a && isBlank(text.charCodeAt(b - 1))) b--;
      if (a === b) return false;
      // `trim()` stops at the same places when both ends are printable ASCII.
      const ca = text.charCodeAt(a);
      const cb = text.charCodeAt(b - 1);
      if (ca <= 32 || ca >= 127 || cb <= 32 || cb >= 127) return false;
      if (!key(a, b, colon, end)) return false;
    }
    if (end === n) return true;
    start = end + (text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? 2 : 1);
  }
}

/** True when `text.slice(a, a + n)` and `text.slice(b, b + n)` are equal, ignoring ASCII case when `fold`. */
function sameRange(text: string, a: number, b: number, n: number, fold: boolean): boolean {
  for (let i = 0; i < n; i++) {
    const x = text.charCodeAt(a + i);
    const y = text.charCodeAt(b + i);
    if (x !== y && (!fold || (x | 32) !== (y | 32) || (x | 32) < 97 || (x | 32) > 122)) return false;
  }
  return true;
}

/** True when a key `[a, b)` of `text` equals (ignoring ASCII case when `fold`) a key already in `bounds`. */
function repeatsKey(text: string, bounds: readonly number[], a: number, b: number, fold: boolean): boolean {
  for (let k = 0; k < bounds.length; k += 2) {
    const start = bounds[k] as number;
    if ((bounds[k + 1] as number) - start === b - a && sameRange(text, start, a, b - a, fold)) return true;
  }
  return false;
}

const PROXY = 'proxy-';

/** True when the name `[a, a + length)` of `text` starts with `proxy-` in any case. */
function startsWithProxy(text: string, a: number, length: number): boolean {
  if (length < PROXY.length) return false;
  for (let i = 0; i < PROXY.length; i++) {
    const c = text.charCodeAt(a + i);
    const p = PROXY.charCodeAt(i);
    if (c !== p && !(p >= 97 && p <= 122 && (c | 32) === p)) return false;
  }
  return true;
}

/**
 * True when `parseHeaderLines` and `validateCustomHeaders` would both report nothing for `text`, decided in one
 * pass without building the header object or cutting out the names: a name is lower-cased (to ask
 * `forbiddenHeaderReason`) only when its length or a `proxy-` start could make it forbidden, and repeats are found
 * by comparing the names in place. False means "run them" (they are the authority on every message).
 */
function headersClean(text: string): boolean {
  const bounds: number[] = [];
  return walkLines(text, (a, b, colon, end) => {
    const length = b - a;
    if (
      length > MAX_HEADER_NAME ||
      end - colon - 1 > MAX_HEADER_VALUE ||
      bounds.length === 2 * MAX_CUSTOM_HEADERS
    )
      return false;
    for (let i = a; i < b; i++) if (TCHAR[text.charCodeAt(i)] !== 1) return false;
    // Every name is ASCII now, so ASCII case folding is toLowerCase.
    if (length === 9 || FORBIDDEN_HEADER_LENGTHS.has(length) || startsWithProxy(text, a, length)) {
      const lower = text.slice(a, b).toLowerCase();
      if (lower === '__proto__' || forbiddenHeaderReason(lower) !== null) return false;
    }
    if (repeatsKey(text, bounds, a, b, true)) return false;
    bounds.push(a, b);
    return true;
  });
}

/** True when `paramLineProblems` would report nothing for `text` (every key distinct); false means "run it". */
function paramsClean(text: string): boolean {
  const bounds: number[] = [];
  return walkLines(text, (a, b) => {
    if ((b - a === 9 && text.slice(a, b) === '__proto__') || repeatsKey(text, bounds, a, b, false))
      return false;
    bounds.push(a, b);
    return true;
  });
}

// Node-type rules beyond the schema: delay units, header/param lines, merge-token syntax in action settings.
function addNodeProblems(
  problems: Problem[],
  node: Record<string, unknown>,
  rules: NodeRules,
  base: string,
): void {
  const type = rules.type;
  if (type === 'Delay') {
    const rule = minuteOfDayProblem(node);
    if (rule) problems.push({ path: `${base}.${rule.path}`, message: rule.message });
  }
  if (type === 'Webhook') {
    // A URL made entirely of tokens is checked when rendered; a literal one must at least be absolute http(s).
    const url = node.url;
    const tokenFirst = typeof url === 'string' && url.charCodeAt(0) === 123 && url.charCodeAt(1) === 123;
    if (typeof url === 'string' && !tokenFirst && !plainHttpUrl(url) && !HTTP_URL.test(url)) {
      problems.push({ path: `${base}.url`, message: 'url must be an absolute http:// or https:// URL' });
    }
    if (typeof node.headers === 'string' && !headersClean(node.headers)) {
      const parsed = parseHeaderLines(node.headers, `${base}.headers`);
      const bad = validateCustomHeaders(parsed.value, `${base}.headers`);
      if (parsed.problems.length > 0 || bad.length > 0) problems.push(...parsed.problems, ...bad);
    }
    if (typeof node.params === 'string' && !paramsClean(node.params)) {
      const bad = paramLineProblems(node.params, `${base}.params`);
      if (bad.length > 0) problems.push(...bad);
    }
  }
  if (rules.action) {
    // Merge-token syntax of every setting; most are flat strings, checked inline without building paths.
    for (const key in node) {
      if (key === 'id' || key === 'name' || key === 'type') continue;
      const v = node[key];
      if (typeof v === 'string') {
        for (const p of validateTemplate(v)) problems.push({ path: `${base}.${key}`, message: p.message });
      } else if (typeof v === 'object' && v !== null)
        problems.push(...validateConfigTemplates(v, `${base}.${key}`));
    }
  }
}

// The editor's layout: checked by the schema, with the common case (two finite numbers) decided without it. Any
// position the shortcut does not accept goes to the schema, which is the authority on what is wrong with it.
function addPositionProblems(problems: Problem[], positions: Record<string, unknown>): void {
  const fine = (pos: unknown) => isRecord(pos) && Number.isFinite(pos.x) && Number.isFinite(pos.y);
  // Values first (no key lookups); the ids are needed only to name a problem.
  if (Object.values(positions).every(fine)) return;
  for (const [id, pos] of Object.entries(positions)) {
    if (fine(pos)) continue;
    const r = NodePosition.safeParse(pos);
    if (!r.success) problems.push(...issuesAt(`positions.${id}`, r.error.issues));
  }
}

/**
 * Every problem of a workflow template, each at a path naming the node (`nodes.<id>.url`) or edge (`edges.<i>`):
 * malformed nodes and settings, duplicate ids, not exactly one Start, edges into Start, dangling or ambiguous edges,
 * cycles (one problem per cycle, listing its nodes) and nodes not reachable from Start. Empty when publishable.
 */
export function validateWorkflowTemplate(template: unknown): Problem[] {
  if (!isRecord(template)) return [{ path: '', message: 'a template is an object with nodes and edges' }];
  const problems: Problem[] = [];
  const { nodes, edges, positions, width, height } = template;
  if (!Array.isArray(nodes)) problems.push({ path: 'nodes', message: 'nodes must be an array' });
  if (!Array.isArray(edges))
    problems.push({ path: 'edges', message: 'edges must be an array of "from-to" strings' });
  for (const [key, v] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (v !== undefined && typeof v !== 'number')
      problems.push({ path: key, message: `${key} must be a number` });
  }
  if (positions !== undefined) {
    if (!isRecord(positions))
      problems.push({ path: 'positions', message: 'positions must be an object keyed by node id' });
    else addPositionProblems(problems, positions);
  }
  if (!Array.isArray(nodes) || !Array.isArray(edges)) return problems;

  // Node ids by index: what the edges and the graph are resolved against.
  const nodeIds = new NodeIds(nodes.length);
  const { ids } = nodeIds;
  const starts: number[] = [];
  for (let i = 0; i < nodes.length; i++) {
    const node: unknown = nodes[i];
    if (!isRecord(node)) {
      problems.push({ path: `nodes.${i}`, message: 'a node is an object' });
      continue;
    }
    const id = node.id;
    if (typeof id !== 'string' || id === '') {
      problems.push({ path: `nodes.${i}.id`, message: 'id is required' });
      continue;
    }
    const base = `nodes.${id}`;
    if (nodeIds.find(id) !== -1) {
      problems.push({ path: base, message: `node id ${JSON.stringify(id)} is used twice` });
      continue;
    }
    const type = node.type;
    const rules = typeof type === 'string' ? RULES_OF.get(type) : undefined;
    if (rules === undefined) {
      problems.push({
        path: `${base}.type`,
        message: `unsupported node type ${JSON.stringify(type ?? null)}; use one of ${NODE_TYPES.join(', ')}`,
      });
      continue;
    }
    if (type === 'Start') starts.push(ids.length);
    nodeIds.add(id);
    if (rules.accepts === undefined || !rules.accepts(node)) {
      const parsed = rules.schema.safeParse(node);
      if (!parsed.success) problems.push(...issuesAt(base, parsed.error.issues));
    }
    addNodeProblems(problems, node, rules, base);
  }

  if (starts.length !== 1) {
    const found = starts.length === 0 ? 'none' : starts.map((i) => ids[i]).join(', ');
    problems.push({ path: 'nodes', message: `a template needs exactly one Start node (found ${found})` });
  }
  const resolved = resolveEdges(edges, nodeIds);
  for (const p of resolved.problems) problems.push(p);
  const graph = graphOfIndexes(ids, nodeIds.map(), resolved);
  for (const i of starts) {
    const into = graph.parents[i] ?? [];
    if (into.length > 0) {
      problems.push({
        path: `nodes.${ids[i]}`,
        message: `the Start node cannot have incoming edges (from ${into.map((p) => ids[p]).join(', ')})`,
      });
    }
  }
  // A topological order exists exactly when there is no cycle; only then is the costlier search for the cycles run.
  if (topologicalOrder(graph) === undefined) {
    for (const cycle of findCycles(graph)) {
      problems.push({ path: `nodes.${cycle[0]}`, message: `cycle through ${cycle.join(', ')}` });
    }
  }
  if (starts.length > 0) {
    const reached = reachableFrom(graph, starts);
    for (let i = 0; i < ids.length; i++) {
      if (reached[i] === 0)
        problems.push({
          path: `nodes.${ids[i]}`,
          message: `node ${JSON.stringify(ids[i])} is not reachable from Start`,
        });
    }
  }
  return problems;
}
