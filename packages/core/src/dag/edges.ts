import type { Problem } from '../errors.ts';

/** A directed edge: `[from, to]` node ids. */
export type Edge = [from: string, to: string];

/** Parsed edges and every problem with the edge strings. */
export interface ParsedEdges {
  edges: Edge[];
  problems: Problem[];
}

/**
 * Splits one `"from-to"` edge string. Node ids may contain `-` (UUIDs do), so every dash is tried and the split
 * where both sides are known ids wins; none is a dangling edge, several an ambiguous one (e.g. ids `a`, `a-b`, `b`,
 * `b-c` make `a-b-c` readable two ways). `idLengths` (the lengths of the known ids) lets most dashes be ruled out
 * without cutting the string, which is what keeps a 500-node template fast.
 */
export function splitEdge(
  edge: string,
  nodeIds: ReadonlySet<string>,
  idLengths?: ReadonlySet<number>,
): Edge[] {
  const found: Edge[] = [];
  const n = edge.length;
  for (let i = edge.indexOf('-'); i !== -1; i = edge.indexOf('-', i + 1)) {
    if (idLengths !== undefined && (!idLengths.has(i) || !idLengths.has(n - i - 1))) continue;
    const from = edge.slice(0, i);
    if (!nodeIds.has(from)) continue;
    const to = edge.slice(i + 1);
    if (nodeIds.has(to)) found.push([from, to]);
  }
  return found;
}

/** Parses every edge string against the known node ids, reporting dangling, ambiguous and repeated edges. */
export function parseEdges(edges: readonly string[], nodeIds: Iterable<string>): ParsedEdges {
  const ids = nodeIds instanceof Set ? (nodeIds as ReadonlySet<string>) : new Set(nodeIds);
  const lengths = new Set<number>();
  for (const id of ids) lengths.add(id.length);
  const out: Edge[] = [];
  const problems: Problem[] = [];
  const seen = new Set<string>();
  edges.forEach((edge, i) => {
    const path = `edges.${i}`;
    if (typeof edge !== 'string') {
      problems.push({ path, message: 'an edge is a "from-to" string' });
      return;
    }
    const splits = splitEdge(edge, ids, lengths);
    if (splits.length === 0) {
      problems.push({ path, message: `edge ${JSON.stringify(edge)} does not join two known node ids` });
    } else if (splits.length > 1) {
      const ways = splits.map(([f, t]) => `${f} → ${t}`).join(' or ');
      problems.push({ path, message: `edge ${JSON.stringify(edge)} is ambiguous: ${ways}` });
    } else if (seen.has(edge)) {
      problems.push({ path, message: `edge ${JSON.stringify(edge)} is listed more than once` });
    } else {
      seen.add(edge);
      out.push(splits[0] as Edge);
    }
  });
  return { edges: out, problems };
}

/** The edge string for `[from, to]`. */
export function edgeString(from: string, to: string): string {
  return `${from}-${to}`;
}
