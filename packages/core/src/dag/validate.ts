import type { z } from 'zod';
import { minuteOfDayProblem } from '../delays.ts';
import type { Problem } from '../errors.ts';
import { validateConfigTemplates, validateTemplate } from '../templating.ts';
import { parseHeaderLines, parseParamLines, validateCustomHeaders } from '../webhookLines.ts';
import { parseEdges } from './edges.ts';
import { buildAdjacency, findCycles, reachableFrom } from './graph.ts';
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

const SCHEMA_OF: Record<NodeType, z.ZodType> = {
  Start: StartNode,
  Delay: DelayNode,
  Webhook: WebhookNode,
  SendEmail: SendEmailNode,
  SendChannelMessage: SendChannelMessageNode,
  CreateTask: CreateTaskNode,
  UpdateField: UpdateFieldNode,
  Condition: ConditionNode,
};

const ACTION_TYPES: ReadonlySet<string> = new Set([
  'Webhook',
  'SendEmail',
  'SendChannelMessage',
  'CreateTask',
  'UpdateField',
]);

const KNOWN_TYPES: ReadonlySet<string> = new Set(NODE_TYPES);

const HTTP_URL = /^https?:\/\/[^\s/?#]+/i;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function issuesAt(base: string, issues: readonly z.core.$ZodIssue[]): Problem[] {
  return issues.map((i) => ({ path: [base, ...i.path.map(String)].join('.'), message: i.message }));
}

// Node-type rules beyond the schema: delay units, header/param lines, merge-token syntax in action settings.
function addNodeProblems(
  problems: Problem[],
  node: Record<string, unknown>,
  type: NodeType,
  base: string,
): void {
  if (type === 'Delay') {
    const rule = minuteOfDayProblem(node);
    if (rule) problems.push({ path: `${base}.${rule.path}`, message: rule.message });
  }
  if (type === 'Webhook') {
    // A URL made entirely of tokens is checked when rendered; a literal one must at least be absolute http(s).
    if (typeof node.url === 'string' && !node.url.startsWith('{{') && !HTTP_URL.test(node.url)) {
      problems.push({ path: `${base}.url`, message: 'url must be an absolute http:// or https:// URL' });
    }
    if (typeof node.headers === 'string') {
      const parsed = parseHeaderLines(node.headers, `${base}.headers`);
      const bad = validateCustomHeaders(parsed.value, `${base}.headers`);
      if (parsed.problems.length > 0 || bad.length > 0) problems.push(...parsed.problems, ...bad);
    }
    if (typeof node.params === 'string') {
      const parsed = parseParamLines(node.params, `${base}.params`);
      if (parsed.problems.length > 0) problems.push(...parsed.problems);
    }
  }
  if (ACTION_TYPES.has(type)) {
    // Merge-token syntax of every setting; most are flat strings, checked inline without building paths.
    for (const key in node) {
      if (key === 'id' || key === 'name' || key === 'type') continue;
      const v = node[key];
      if (typeof v === 'string') {
        if (!v.includes('{{') && !v.includes('{%')) continue;
        for (const p of validateTemplate(v)) problems.push({ path: `${base}.${key}`, message: p.message });
      } else if (typeof v === 'object' && v !== null)
        problems.push(...validateConfigTemplates(v, `${base}.${key}`));
    }
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
    else {
      for (const [id, pos] of Object.entries(positions)) {
        const r = NodePosition.safeParse(pos);
        if (!r.success) problems.push(...issuesAt(`positions.${id}`, r.error.issues));
      }
    }
  }
  if (!Array.isArray(nodes) || !Array.isArray(edges)) return problems;

  const ids: string[] = [];
  const typeOf = new Map<string, NodeType>();
  for (const [i, node] of nodes.entries()) {
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
    if (typeOf.has(id)) {
      problems.push({ path: base, message: `node id ${JSON.stringify(id)} is used twice` });
      continue;
    }
    const type = node.type;
    if (typeof type !== 'string' || !KNOWN_TYPES.has(type)) {
      problems.push({
        path: `${base}.type`,
        message: `unsupported node type ${JSON.stringify(type ?? null)}; use one of ${NODE_TYPES.join(', ')}`,
      });
      continue;
    }
    ids.push(id);
    typeOf.set(id, type as NodeType);
    const parsed = SCHEMA_OF[type as NodeType].safeParse(node);
    if (!parsed.success) problems.push(...issuesAt(base, parsed.error.issues));
    addNodeProblems(problems, node, type as NodeType, base);
  }

  const starts = ids.filter((id) => typeOf.get(id) === 'Start');
  if (starts.length !== 1) {
    const found = starts.length === 0 ? 'none' : starts.join(', ');
    problems.push({ path: 'nodes', message: `a template needs exactly one Start node (found ${found})` });
  }
  const parsedEdges = parseEdges(
    edges.map((e) => (typeof e === 'string' ? e : (undefined as unknown as string))),
    ids,
  );
  problems.push(...parsedEdges.problems);
  const graph = buildAdjacency(ids, parsedEdges.edges);
  const startIdx = starts.map((id) => graph.indexOf.get(id) as number);
  for (const i of startIdx) {
    const into = graph.parents[i] ?? [];
    if (into.length > 0) {
      problems.push({
        path: `nodes.${ids[i]}`,
        message: `the Start node cannot have incoming edges (from ${into.map((p) => ids[p]).join(', ')})`,
      });
    }
  }
  for (const cycle of findCycles(graph)) {
    problems.push({ path: `nodes.${cycle[0]}`, message: `cycle through ${cycle.join(', ')}` });
  }
  if (startIdx.length > 0) {
    const reached = reachableFrom(graph, startIdx);
    ids.forEach((id, i) => {
      if (reached[i] === 0)
        problems.push({
          path: `nodes.${id}`,
          message: `node ${JSON.stringify(id)} is not reachable from Start`,
        });
    });
  }
  return problems;
}
