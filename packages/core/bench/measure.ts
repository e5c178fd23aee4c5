/** One benchmark result: median nanoseconds per operation over several rounds. */
export interface Measurement {
  name: string;
  nsPerOp: number;
  opsPerSec: number;
}

// Results land here so the JIT cannot drop the measured work as dead code.
let sink: unknown;

/** The sink's last value (read once at the end so it stays live). */
export function sinkValue(): unknown {
  return sink;
}

/** A named function to time; `i` lets it rotate through several inputs so no call is specialised to a constant. */
export interface Case {
  name: string;
  fn: (i: number) => unknown;
}

/**
 * Median ns/op of each case over `rounds` rounds of `iterations` calls, after a warm-up. The cases of one comparison
 * run interleaved, round by round, so a busy machine slows ours and the baseline alike and the ratio stays honest.
 */
export function measureTogether(cases: Case[], iterations: number, rounds = 15): Measurement[] {
  for (const c of cases) for (let i = 0; i < iterations; i++) sink = c.fn(i);
  const samples = cases.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    cases.forEach((c, k) => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < iterations; i++) sink = c.fn(i);
      samples[k]?.push(Number(process.hrtime.bigint() - start) / iterations);
    });
  }
  return cases.map((c, k) => {
    const sorted = (samples[k] ?? []).sort((x, y) => x - y);
    const nsPerOp = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
    return { name: c.name, nsPerOp, opsPerSec: 1e9 / nsPerOp };
  });
}

function fmtNs(ns: number): string {
  return ns >= 1e6
    ? `${(ns / 1e6).toFixed(3)} ms`
    : ns >= 1e3
      ? `${(ns / 1e3).toFixed(2)} µs`
      : `${ns.toFixed(1)} ns`;
}

/** A row of the report: ours vs the hand-written baseline and the goal it is held to. */
export interface Row {
  ours: Measurement;
  baseline?: Measurement;
  goal: string;
  pass: boolean;
}

/** Prints the rows as a fixed-width table. */
export function printTable(rows: Row[]): void {
  const lines = [['case', 'median', 'ops/s', 'hand-written', 'ratio', 'goal', 'ok']];
  for (const r of rows) {
    lines.push([
      r.ours.name,
      fmtNs(r.ours.nsPerOp),
      Math.round(r.ours.opsPerSec).toLocaleString('en-US'),
      r.baseline ? fmtNs(r.baseline.nsPerOp) : '-',
      r.baseline ? `${(r.ours.nsPerOp / r.baseline.nsPerOp).toFixed(2)}x` : '-',
      r.goal,
      r.pass ? 'yes' : 'NO',
    ]);
  }
  const widths = lines[0]?.map((_, c) => Math.max(...lines.map((l) => (l[c] ?? '').length))) ?? [];
  for (const [n, l] of lines.entries()) {
    console.log(
      l.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  '),
    );
    if (n === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}
