import { InvalidInputError } from '../errors.ts';
import { parseEdges } from './edges.ts';
import { buildAdjacency, type Graph, topologicalOrder } from './graph.ts';
import type { NodeType, WorkflowTemplate } from './schema.ts';

/** The state of one execution step (one node of one execution). */
export type StepState = 'pending' | 'scheduled' | 'running' | 'succeeded' | 'failed' | 'skipped';

/** What to do next: nodes to start now, nodes to mark skipped now, and whether the execution is finished. */
export interface Plan {
  runnable: string[];
  skipped: string[];
  /** True when every node has succeeded, failed or been skipped (after applying `skipped`). */
  complete: boolean;
}

/** A template's graph prepared for scheduling: node types (by index), adjacency and a topological order. */
export interface WorkflowGraph extends Graph {
  types: readonly NodeType[];
  order: readonly number[];
}

const graphs = new WeakMap<object, WorkflowGraph>();

/** Builds (once per template object) the scheduling graph; throws InvalidInputError for bad edges or a cycle. */
export function workflowGraph(template: WorkflowTemplate): WorkflowGraph {
  const hit = graphs.get(template);
  if (hit) return hit;
  const ids = template.nodes.map((n) => n.id);
  const { edges, problems } = parseEdges(template.edges, ids);
  if (problems.length > 0) throw new InvalidInputError('invalid template edges', problems);
  const adjacency = buildAdjacency(ids, edges);
  const order = topologicalOrder(adjacency);
  if (!order)
    throw new InvalidInputError('template has a cycle', [
      { path: 'edges', message: 'the graph has a cycle' },
    ]);
  const graph: WorkflowGraph = {
    ...adjacency,
    types: template.nodes.map((n) => n.type),
    order,
  };
  graphs.set(template, graph);
  return graph;
}

const TERMINAL: ReadonlySet<StepState> = new Set(['succeeded', 'failed', 'skipped']);

/**
 * Which nodes can run now and which are skipped, given every step's state (absent means `pending`) and the result
 * of each succeeded Condition node. Rules (AND-join): a pending node runs when every parent succeeded (and no parent
 * is a Condition that evaluated false); it is skipped as soon as any parent failed or was skipped, or is a false
 * Condition. Skips cascade through all descendants in the same call. A node without parents (Start) runs first.
 * Throws InvalidInputError when a succeeded Condition node has no result.
 */
export function planNext(
  template: WorkflowTemplate,
  stepStates: Readonly<Record<string, StepState>>,
  conditionResults: Readonly<Record<string, boolean>> = {},
): Plan {
  const g = workflowGraph(template);
  const state: StepState[] = g.ids.map((id) =>
    Object.hasOwn(stepStates, id) ? (stepStates[id] as StepState) : 'pending',
  );
  const runnable: string[] = [];
  const skipped: string[] = [];
  for (const i of g.order) {
    if (state[i] !== 'pending') continue;
    let ready = true;
    let skip = false;
    for (const parent of g.parents[i] ?? []) {
      const s = state[parent];
      if (s === 'failed' || s === 'skipped') skip = true;
      else if (s !== 'succeeded') ready = false;
      else if (g.types[parent] === 'Condition') {
        const id = g.ids[parent] as string;
        const result = conditionResults[id];
        if (typeof result !== 'boolean') {
          throw new InvalidInputError('missing condition result', [
            { path: `conditionResults.${id}`, message: `Condition node ${id} succeeded without a result` },
          ]);
        }
        if (!result) skip = true;
      }
    }
    if (skip) {
      state[i] = 'skipped';
      skipped.push(g.ids[i] as string);
    } else if (ready) runnable.push(g.ids[i] as string);
  }
  const complete = state.every((s) => TERMINAL.has(s));
  return { runnable, skipped, complete };
}

/**
 * `actions_count`: every node except Start. Seed 004 counts its Delay + two Webhooks as 3, so waits (and, by the
 * same reading, Condition gates) are steps the user placed and count.
 */
export function countActions(template: { nodes: readonly { type: string }[] }): number {
  return template.nodes.filter((n) => n.type !== 'Start').length;
}
