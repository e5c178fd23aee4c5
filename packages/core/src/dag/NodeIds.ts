// How many characters at each end of an id the table hashes: ids that differ at all usually differ there (a UUID's
// random tail, a counter, a numbered prefix), and hashing a few characters instead of the whole id is most of the
// table's gain.
const HASHED_HEAD = 2;
const HASHED_TAIL = 4;
/** More probes than this per id while filling the table (ids alike at their ends) and a Map is used instead. */
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
 * A template's node ids by index (`ids[i]`), found by a range of any string: `find(edge, 0, i)` is the index of
 * `edge.slice(0, i)`. A Map would hash a freshly cut string of the whole id for every side of every edge; this
 * open-addressing table hashes a few characters at the ends in place and cuts the string only to confirm a
 * candidate with `===`. Ids too alike at their ends for the table are kept in a Map instead.
 */
export class NodeIds {
  /** The ids in the order they were added: `ids[i]` has index `i`. */
  readonly ids: string[] = [];
  private readonly table: Int32Array;
  private readonly mask: number;
  private probes = 0;
  private byId: Map<string, number> | undefined;
  private tableless = false;

  /** Room in the table for `capacity` ids (more still work, through the Map). */
  constructor(capacity: number) {
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.table = new Int32Array(size);
    this.mask = size - 1;
  }

  /** The index of `s.slice(start, end)` (all of `s` by default), or -1 when it is not an id. */
  find(s: string, start = 0, end = s.length): number {
    if (this.tableless)
      return this.map().get(start === 0 && end === s.length ? s : s.slice(start, end)) ?? -1;
    const { table, mask, ids } = this;
    const length = end - start;
    let cut: string | undefined;
    // Slots hold `index + 1`; 0 is free.
    for (let h = endsHash(s, start, end) & mask; ; h = (h + 1) & mask) {
      const k = (table[h] as number) - 1;
      if (k === -1) return -1;
      const id = ids[k] as string;
      if (id.length !== length) continue;
      cut ??= start === 0 && end === s.length ? s : s.slice(start, end);
      if (id === cut) return k;
    }
  }

  /** Adds `id` (not already there) as the next index. */
  add(id: string): void {
    const k = this.ids.length;
    this.ids.push(id);
    if (this.byId !== undefined) this.byId.set(id, k);
    if (this.tableless) return;
    const { table, mask } = this;
    let h = endsHash(id, 0, id.length) & mask;
    while (table[h] !== 0) {
      h = (h + 1) & mask;
      this.probes++;
    }
    table[h] = k + 1;
    if (this.probes > MAX_PROBES_PER_ID * this.ids.length + 16 || this.ids.length * 2 > table.length)
      this.tableless = true;
  }

  /** The ids as a Map from id to index (made on first use: most validations never need it). */
  map(): ReadonlyMap<string, number> {
    if (this.byId === undefined) {
      this.byId = new Map();
      for (let k = 0; k < this.ids.length; k++) this.byId.set(this.ids[k] as string, k);
    }
    return this.byId;
  }
}
