import type { Problem } from '../errors.ts';

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

// How many characters at each end of an id the lookup table hashes: ids that differ at all usually differ there
// (a UUID's random tail, a counter, a numbered prefix), and hashing a few characters instead of the whole id is most
// of the table's gain.
const HASHED_HEAD = 2;
const HASHED_TAIL = 4;
/** More probes than this per id while filling the table (ids alike at their ends) and the Map is used instead. */
const MAX_PROBES_PER_ID = 3;

function endsHash(s: string, start: number, end: number): number {
  let h = end - start;
  const head = Math.min(end, start + HASHED_HEAD);
  for (let i = start; i < head; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  for (let i = Math.max(head, end - HASHED_TAIL); i < end; i++)
    h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h ^ (h >>> 15);
}

/**
 * Looks up the id that is `edge.slice(start, end)`, returning its index or -1. A Map lookup would hash a freshly
 * cut string of the whole id for every side of every edge; this open-addressing table hashes a few characters
 * at its ends in place and cuts the string only to confirm a candidate with `===`.
 */
type IdLookup = (edge: string, start: number, end: number) => number;

function idLookup(ids: readonly string[], indexOf: ReadonlyMap<string, number>): IdLookup {
  let size = 16;
  while (size < ids.length * 2) size *= 2;
  const mask = size - 1;
  const table = new Int32Array(size).fill(-1);
  let probes = 0;
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k] as string;
    let h = endsHash(id, 0, id.length) & mask;
    while (table[h] !== -1) {
      h = (h + 1) & mask;
      probes++;
    }
    table[h] = k;
  }
  if (probes > MAX_PROBES_PER_ID * ids.length) {
    return (edge, start, end) => indexOf.get(edge.slice(start, end)) ?? -1;
  }
  return (edge, start, end) => {
    const length = end - start;
    let cut: string | undefined;
    for (let h = endsHash(edge, start, end) & mask; ; h = (h + 1) & mask) {
      const k = table[h] as number;
      if (k === -1) return -1;
      const id = ids[k] as string;
      if (id.length !== length) continue;
      cut ??= edge.slice(start, end);
      if (id === cut) return k;
    }
  };
}

/** The split of `edge` at the dash `i` as `from * nodeCount + to`, or -1 when a side is not a known id. */
function pairAt(
  edge: string,
  i: number,
  lookup: IdLookup,
  nodeCount: number,
  lengths: ReadonlySet<number>,
): number {
  if (!lengths.has(edge.length - i - 1)) return -1;
  const a = lookup(edge, 0, i);
  if (a === -1) return -1;
  const b = lookup(edge, i + 1, edge.length);
  return b === -1 ? -1 : a * nodeCount + b;
}

/**
 * Resolves every edge string to a pair of node indexes (`ids[i]` is the id of index `i`, `indexOf` the reverse),
 * reporting dangling, ambiguous and repeated edges at `edges.<i>`. This is the hot path of template validation, so
 * it cuts each string only at dashes whose both sides have the length of some id, looks the sides up in place
 * (`idLookup`), and finds repeats by index pair in a table of its own instead of hashing the edge string again.
 */
export function resolveEdges(
  edges: readonly unknown[],
  ids: readonly string[],
  indexOf: ReadonlyMap<string, number>,
): IndexedEdges {
  const lengthSet = new Set<number>();
  for (const id of ids) lengthSet.add(id.length);
  // Templates usually have one or two id lengths (UUIDs are all 36): trying each length is then cheaper than
  // visiting every dash of the string, and gives the same candidate splits.
  const lengths = lengthSet.size <= MAX_LENGTHS_TRIED ? [...lengthSet].sort((x, y) => x - y) : undefined;
  const lookup = idLookup(ids, indexOf);
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
        const pair = pairAt(edge, i, lookup, nodeCount, lengthSet);
        if (pair !== -1 && splits++ === 0) first = pair;
      }
    } else {
      for (let i = edge.indexOf('-'); i !== -1; i = edge.indexOf('-', i + 1)) {
        if (!lengthSet.has(i)) continue;
        const pair = pairAt(edge, i, lookup, nodeCount, lengthSet);
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
      const ways = splitEdge(edge, indexOf, lengthSet)
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
  const ids = [...new Set(nodeIds)];
  const indexOf = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) indexOf.set(ids[i] as string, i);
  const resolved = resolveEdges(edges, ids, indexOf);
  const out: Edge[] = [];
  for (let k = 0; k < resolved.count; k++) {
    out.push([ids[resolved.from[k] as number] as string, ids[resolved.to[k] as number] as string]);
  }
  return { edges: out, problems: resolved.problems };
}

/** The edge string for `[from, to]`. */
export function edgeString(from: string, to: string): string {
  return `${from}-${to}`;
}
