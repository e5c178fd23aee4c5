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

/** A template's graph prepared for scheduling: node types, adjacency and a topological order. */
export interface WorkflowGraph extends Graph {
  types: ReadonlyMap<string, NodeType>;
  order: readonly string[];
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
    types: new Map(template.nodes.map((n) => [n.id, n.type])),
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
  const state = new Map<string, StepState>();
  for (const id of g.order)
    state.set(id, Object.hasOwn(stepStates, id) ? (stepStates[id] as StepState) : 'pending');
  const runnable: string[] = [];
  const skipped: string[] = [];
  for (const id of g.order) {
    if (state.get(id) !== 'pending') continue;
    let ready = true;
    let skip = false;
    for (const parent of g.parents.get(id) ?? []) {
      const s = state.get(parent);
      if (s === 'failed' || s === 'skipped') skip = true;
      else if (s !== 'succeeded') ready = false;
      else if (g.types.get(parent) === 'Condition') {
        const result = conditionResults[parent];
        if (typeof result !== 'boolean') {
          throw new InvalidInputError('missing condition result', [
            {
              path: `conditionResults.${parent}`,
              message: `Condition node ${parent} succeeded without a result`,
            },
          ]);
        }
        if (!result) skip = true;
      }
    }
    if (skip) {
      state.set(id, 'skipped');
      skipped.push(id);
    } else if (ready) runnable.push(id);
  }
  const complete = g.order.every((id) => TERMINAL.has(state.get(id) as StepState));
  return { runnable, skipped, complete };
}

/**
 * `actions_count`: every node except Start. Seed 004 counts its Delay + two Webhooks as 3, so waits (and, by the
 * same reading, Condition gates) are steps the user placed and count.
 */
export function countActions(template: { nodes: readonly { type: string }[] }): number {
  return template.nodes.filter((n) => n.type !== 'Start').length;
}
