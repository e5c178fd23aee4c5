import type { Edge } from './edges.ts';

/** Adjacency of a directed graph over node ids. */
export interface Graph {
  ids: readonly string[];
  children: ReadonlyMap<string, readonly string[]>;
  parents: ReadonlyMap<string, readonly string[]>;
}

/** Builds children/parents lists for `ids` from edges (edges naming unknown ids are ignored). */
export function buildAdjacency(ids: readonly string[], edges: readonly Edge[]): Graph {
  const children = new Map<string, string[]>();
  const parents = new Map<string, string[]>();
  for (const id of ids) {
    children.set(id, []);
    parents.set(id, []);
  }
  for (const [from, to] of edges) {
    const c = children.get(from);
    const p = parents.get(to);
    if (c === undefined || p === undefined) continue;
    c.push(to);
    p.push(from);
  }
  return { ids, children, parents };
}

/** Kahn's algorithm: ids in a topological order, or undefined when there is a cycle. */
export function topologicalOrder(g: Graph): string[] | undefined {
  const indegree = new Map<string, number>();
  for (const id of g.ids) indegree.set(id, g.parents.get(id)?.length ?? 0);
  const order: string[] = [];
  for (const id of g.ids) if (indegree.get(id) === 0) order.push(id);
  for (let i = 0; i < order.length; i++) {
    for (const child of g.children.get(order[i] as string) ?? []) {
      const d = (indegree.get(child) ?? 0) - 1;
      indegree.set(child, d);
      if (d === 0) order.push(child);
    }
  }
  return order.length === g.ids.length ? order : undefined;
}

/**
 * The cycles of a graph as strongly connected components (Tarjan, iterative so deep graphs cannot overflow the
 * stack): every component of two or more nodes, and every node with an edge to itself. Members in id order.
 */
export function findCycles(g: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let next = 0;
  for (const root of g.ids) {
    if (index.has(root)) continue;
    const work: { id: string; child: number }[] = [{ id: root, child: 0 }];
    index.set(root, next);
    low.set(root, next++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1] as { id: string; child: number };
      const kids = g.children.get(frame.id) ?? [];
      if (frame.child < kids.length) {
        const kid = kids[frame.child++] as string;
        if (!index.has(kid)) {
          index.set(kid, next);
          low.set(kid, next++);
          stack.push(kid);
          onStack.add(kid);
          work.push({ id: kid, child: 0 });
        } else if (onStack.has(kid)) {
          low.set(frame.id, Math.min(low.get(frame.id) as number, index.get(kid) as number));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id) as number, low.get(frame.id) as number));
      if (low.get(frame.id) !== index.get(frame.id)) continue;
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.id);
      const selfLoop = component.length === 1 && (g.children.get(frame.id) ?? []).includes(frame.id);
      if (component.length > 1 || selfLoop) cycles.push(component.sort());
    }
  }
  return cycles;
}

/** Every id reachable from `roots` (the roots included). */
export function reachableFrom(g: Graph, roots: readonly string[]): Set<string> {
  const seen = new Set<string>(roots);
  const queue = [...roots];
  for (let i = 0; i < queue.length; i++) {
    for (const child of g.children.get(queue[i] as string) ?? []) {
      if (!seen.has(child)) {
        seen.add(child);
        queue.push(child);
      }
    }
  }
  return seen;
}
