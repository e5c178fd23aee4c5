import type { Problem } from '../errors.ts';
import { NodeIds } from './NodeIds.ts';

/** A directed edge: `[from, to]` node ids. */
export type Edge = [from: string, to: string];

/** Parsed edges and every problem with the edge strings. */
export interface ParsedEdges {
  edges: Edge[];
  problems: Problem[];
}

const DASH = 45; // '-'
/** Above this many distinct id lengths, the dashes of an edge are visited instead of the lengths. */
const MAX_LENGTHS_TRIED = 4;

/** Edges resolved to node indexes (`from[k] → to[k]` for `k < count`), and every problem with the edge strings. */
export interface IndexedEdges {
  from: Int32Array;
  to: Int32Array;
  count: number;
  problems: Problem[];
}

/**
 * Splits one `"from-to"` edge string. Node ids may contain `-` (UUIDs do), so every dash is tried and the split
 * where both sides are known ids wins; none is a dangling edge, several an ambiguous one (e.g. ids `a`, `a-b`, `b`,
 * `b-c` make `a-b-c` readable two ways). `idLengths` (the lengths of the known ids) lets most dashes be ruled out
 * without cutting the string.
 */
export function splitEdge(
  edge: string,
  nodeIds: ReadonlySet<string> | ReadonlyMap<string, unknown>,
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

/** The split of `edge` at the dash `i` as `from * nodeCount + to`, or -1 when a side is not a known id. */
function pairAt(
  edge: string,
  i: number,
  nodeIds: NodeIds,
  nodeCount: number,
  lengths: ReadonlySet<number>,
): number {
  if (!lengths.has(edge.length - i - 1)) return -1;
  const a = nodeIds.find(edge, 0, i);
  if (a === -1) return -1;
  const b = nodeIds.find(edge, i + 1, edge.length);
  return b === -1 ? -1 : a * nodeCount + b;
}

/**
 * Resolves every edge string to a pair of node indexes (`nodeIds.ids[i]` is the id of index `i`), reporting
 * dangling, ambiguous and repeated edges at `edges.<i>`. This is the hot path of template validation, so it cuts each
 * string only at dashes whose both sides have the length of some id, looks the sides up in place (`NodeIds`), and
 * finds repeats by index pair in a table of its own instead of hashing the edge string again.
 */
export function resolveEdges(edges: readonly unknown[], nodeIds: NodeIds): IndexedEdges {
  const { ids } = nodeIds;
  const lengthSet = new Set<number>();
  for (const id of ids) lengthSet.add(id.length);
  // Templates usually have one or two id lengths (UUIDs are all 36): trying each length is then cheaper than
  // visiting every dash of the string, and gives the same candidate splits.
  const lengths = lengthSet.size <= MAX_LENGTHS_TRIED ? [...lengthSet].sort((x, y) => x - y) : undefined;
  const nodeCount = ids.length;
  const from = new Int32Array(edges.length);
  const to = new Int32Array(edges.length);
  const problems: Problem[] = [];
  // The accepted edges by pair, open addressing: `c + 1` for `from[c] → to[c]`, 0 for a free slot.
  let slots = 16;
  while (slots < edges.length * 2) slots *= 2;
  const accepted = new Int32Array(slots);
  let count = 0;
  for (let k = 0; k < edges.length; k++) {
    const edge = edges[k];
    if (typeof edge !== 'string') {
      problems.push({ path: `edges.${k}`, message: 'an edge is a "from-to" string' });
      continue;
    }
    let first = -1;
    let splits = 0;
    if (lengths !== undefined) {
      for (const i of lengths) {
        if (edge.charCodeAt(i) !== DASH) continue;
        const pair = pairAt(edge, i, nodeIds, nodeCount, lengthSet);
        if (pair !== -1 && splits++ === 0) first = pair;
      }
    } else {
      for (let i = edge.indexOf('-'); i !== -1; i = edge.indexOf('-', i + 1)) {
        if (!lengthSet.has(i)) continue;
        const pair = pairAt(edge, i, nodeIds, nodeCount, lengthSet);
        if (pair !== -1 && splits++ === 0) first = pair;
      }
    }
    if (splits === 0) {
      problems.push({
        path: `edges.${k}`,
        message: `edge ${JSON.stringify(edge)} does not join two known node ids`,
      });
    } else if (splits > 1) {
      // Rare, so the readings are listed by the plain splitter.
      const ways = splitEdge(edge, nodeIds.map(), lengthSet)
        .map(([a, b]) => `${a} → ${b}`)
        .join(' or ');
      problems.push({ path: `edges.${k}`, message: `edge ${JSON.stringify(edge)} is ambiguous: ${ways}` });
    } else {
      // One string makes one pair and one pair one string (`from-to`), so a repeated pair is a repeated edge.
      const a = Math.floor(first / nodeCount);
      const b = first % nodeCount;
      let slot = (Math.imul(a, 0x9e3779b1) ^ b) & (slots - 1);
      for (let c = accepted[slot] as number; c !== 0; c = accepted[slot] as number) {
        if (from[c - 1] === a && to[c - 1] === b) break;
        slot = (slot + 1) & (slots - 1);
      }
      if (accepted[slot] !== 0) {
        problems.push({
          path: `edges.${k}`,
          message: `edge ${JSON.stringify(edge)} is listed more than once`,
        });
        continue;
      }
      from[count] = a;
      to[count] = b;
      accepted[slot] = ++count;
    }
  }
  return { from, to, count, problems };
}

/** Parses every edge string against the known node ids, reporting dangling, ambiguous and repeated edges. */
export function parseEdges(edges: readonly string[], nodeIds: Iterable<string>): ParsedEdges {
  const unique = [...new Set(nodeIds)];
  const known = new NodeIds(unique.length);
  for (const id of unique) known.add(id);
  const resolved = resolveEdges(edges, known);
  const out: Edge[] = [];
  for (let k = 0; k < resolved.count; k++) {
    out.push([unique[resolved.from[k] as number] as string, unique[resolved.to[k] as number] as string]);
  }
  return { edges: out, problems: resolved.problems };
}

/** The edge string for `[from, to]`. */
export function edgeString(from: string, to: string): string {
  return `${from}-${to}`;
}
