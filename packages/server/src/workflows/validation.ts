import {
  NODE_TYPES,
  nodeConfig,
  type Problem,
  validateCondition,
  validateConfigTemplates,
  validateEventName,
  validateTriggerPattern,
  validateWorkflowTemplate,
  type WorkflowNode,
} from '@switchyard/core';
import type { EntityManager } from '../db/orm.ts';
import type { ServerDeps } from '../deps.ts';
import { AppError } from '../errors.ts';

/** A problem with the node(s) it concerns, so an editor can highlight them. */
export interface WorkflowProblem extends Problem {
  node_ids?: string[];
}

/** The drafts a workflow is saved or published with. */
export interface WorkflowDrafts {
  template: unknown;
  eventTrigger: string | null;
  stopEvent?: string | null;
  triggerConditions: unknown;
}

function nodesOf(template: unknown): Record<string, unknown>[] {
  const nodes = (template as { nodes?: unknown } | null)?.nodes;
  return Array.isArray(nodes)
    ? nodes.filter((n): n is Record<string, unknown> => typeof n === 'object' && n !== null)
    : [];
}

function nodeIdsOf(template: unknown): string[] {
  return nodesOf(template)
    .map((n) => n.id)
    .filter((id): id is string => typeof id === 'string' && id !== '');
}

/** The node a `nodes.<id>[.field]` path names (ids may contain dots: the longest known id wins). */
function nodeOfPath(path: string, ids: readonly string[]): string | undefined {
  if (!path.startsWith('nodes.')) return undefined;
  const rest = path.slice('nodes.'.length);
  let best: string | undefined;
  for (const id of ids) {
    if ((rest === id || rest.startsWith(`${id}.`)) && (!best || id.length > best.length)) best = id;
  }
  return best;
}

/** Attaches the node ids a problem concerns: the node of its path, the members of a cycle, an edge's known end. */
function withNodeIds(p: Problem, ids: readonly string[], edges: readonly unknown[]): WorkflowProblem {
  const found = new Set<string>();
  const own = nodeOfPath(p.path, ids);
  if (own) found.add(own);
  const cycle = /^cycle through (.+)$/.exec(p.message);
  if (cycle?.[1]) {
    // Ids may contain ", ": keep the known ids the list is made of.
    for (const id of ids) if (`, ${cycle[1]}, `.includes(`, ${id}, `)) found.add(id);
  }
  if (p.path === 'nodes') {
    const starts = /found (.+)\)$/.exec(p.message)?.[1];
    if (starts && starts !== 'none')
      for (const id of ids) if (`, ${starts}, `.includes(`, ${id}, `)) found.add(id);
  }
  const edge = /^edges\.(\d+)$/.exec(p.path);
  if (edge) {
    const e = edges[Number(edge[1])];
    if (typeof e === 'string')
      for (const id of ids) if (e.startsWith(`${id}-`) || e.endsWith(`-${id}`)) found.add(id);
  }
  return found.size > 0 ? { ...p, node_ids: [...found] } : p;
}

// A node-local problem: about one node's own settings (`nodes.<id>.<field>`) or a node without an id.
function isNodeLocal(p: Problem, ids: readonly string[]): boolean {
  if (/^nodes\.\d+(\.id)?$/.test(p.path)) return true;
  const id = nodeOfPath(p.path, ids);
  return id !== undefined && p.path.length > `nodes.${id}`.length;
}

/** Problems of the action nodes' settings as their registered providers see them (schema, then `validate`). */
async function providerProblems(
  em: EntityManager,
  deps: ServerDeps,
  accountId: string,
  template: unknown,
  publish: boolean,
): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const node of nodesOf(template)) {
    if (typeof node.id !== 'string' || typeof node.type !== 'string') continue;
    const provider = deps.actions.get(node.type);
    if (!provider) continue;
    const base = `nodes.${node.id}`;
    const parsed = provider.configSchema.safeParse(nodeConfig(node as WorkflowNode));
    if (!parsed.success) {
      for (const i of parsed.error.issues) {
        problems.push({ path: [base, ...i.path.map(String)].join('.'), message: i.message });
      }
      continue;
    }
    if (provider.validate) {
      for (const p of await provider.validate(parsed.data, { deps, em, accountId, publish })) {
        problems.push({ path: p.path ? `${base}.${p.path}` : base, message: p.message });
      }
    }
  }
  return problems;
}

/**
 * What a published template's action nodes lack to run now (a connection, say), as publishing would find it:
 * `template.nodes.<id>.<field>` paths. Used to refuse a change that would break a live workflow.
 */
export async function publishedActionProblems(
  em: EntityManager,
  deps: ServerDeps,
  accountId: string,
  template: unknown,
): Promise<Problem[]> {
  const problems = await providerProblems(em, deps, accountId, template, true);
  return problems.map((p) => ({ ...p, path: `template.${p.path}` }));
}

const CORE_TYPES: ReadonlySet<string> = new Set(NODE_TYPES);

/**
 * The template as core's validator should see it. Core knows the eight built-in node types; a node of a type only a
 * host's provider runs stands in as a minimal built-in action node, so the graph checks still see it (its edges are
 * not dangling) while its settings are left to the provider and the merge-token check below.
 */
function forCore(deps: ServerDeps, template: unknown): unknown {
  const nodes = (template as { nodes?: unknown } | null)?.nodes;
  if (!Array.isArray(nodes)) return template;
  let changed = false;
  const mapped = nodes.map((n) => {
    const type = (n as { type?: unknown } | null)?.type;
    if (typeof type !== 'string' || CORE_TYPES.has(type) || !deps.actions.get(type)) return n;
    changed = true;
    const { id, name } = n as { id?: unknown; name?: unknown };
    return { id, ...(name === undefined ? {} : { name }), type: 'CreateTask', title: type };
  });
  return changed ? { ...(template as object), nodes: mapped } : template;
}

/** Merge-token syntax of the settings of nodes only a host provider knows (core checks the built-in ones). */
function hostNodeTemplateProblems(deps: ServerDeps, template: unknown): Problem[] {
  return nodesOf(template).flatMap((n) =>
    typeof n.type === 'string' &&
    !CORE_TYPES.has(n.type) &&
    deps.actions.get(n.type) &&
    typeof n.id === 'string'
      ? validateConfigTemplates(nodeConfig(n as WorkflowNode), `nodes.${n.id}`)
      : [],
  );
}

function isEmptyConditions(c: unknown): boolean {
  return c === null || c === undefined || (typeof c === 'object' && Object.keys(c as object).length === 0);
}

/**
 * Every problem of a workflow's drafts. `publish` adds the template's structure (exactly one Start, no cycle, known
 * edge ends, everything reachable); a save checks only each node's own settings, the trigger and the conditions,
 * so a half-drawn graph can be saved. Node problems carry `node_ids`. The trigger and the stop event may be any
 * well-formed event name.
 */
export async function draftProblems(
  em: EntityManager,
  deps: ServerDeps,
  accountId: string,
  drafts: WorkflowDrafts,
  opts: { publish: boolean },
): Promise<WorkflowProblem[]> {
  const ids = nodeIdsOf(drafts.template);
  const edges = (drafts.template as { edges?: unknown[] } | null)?.edges ?? [];
  let problems: Problem[] = validateWorkflowTemplate(forCore(deps, drafts.template)).map((p) => ({
    path: p.path,
    message: p.message,
  }));
  problems.push(...hostNodeTemplateProblems(deps, drafts.template));
  if (!opts.publish) problems = problems.filter((p) => isNodeLocal(p, ids));
  problems.push(...(await providerProblems(em, deps, accountId, drafts.template, opts.publish)));
  // Paths are the request's own: `template.nodes.<id>.url`.
  const out = problems.map((p) => {
    const tagged = withNodeIds(p, ids, edges);
    return { ...tagged, path: p.path === '' ? 'template' : `template.${p.path}` };
  });
  // Any well-formed name: a workflow may wait for an event nobody has sent yet (seed 004's `new_user`).
  if (drafts.eventTrigger !== null) out.push(...validateTriggerPattern(drafts.eventTrigger, 'event_trigger'));
  if (drafts.stopEvent != null) out.push(...validateEventName(drafts.stopEvent, 'stop_event'));
  if (!isEmptyConditions(drafts.triggerConditions)) {
    out.push(...validateCondition(drafts.triggerConditions, { path: 'trigger_conditions' }));
  }
  return out;
}

/** Throws the problems as one 400 `validation_error` (the first in the message, all in `details`). */
export function failWith(problems: readonly Problem[], what: string): never {
  const first = problems[0];
  const where = first ? `${first.path}: ${first.message}` : 'invalid input';
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  throw new AppError('validation_error', `${what}: ${where}${more}`, problems);
}
