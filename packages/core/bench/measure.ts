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

/**
 * Median ns/op of `fn(i)` over `rounds` rounds of `iterations` calls each, after a warm-up. `i` lets the caller
 * rotate through several inputs so no call can be specialised to a constant.
 */
export function measure(
  name: string,
  fn: (i: number) => unknown,
  iterations: number,
  rounds = 15,
): Measurement {
  for (let i = 0; i < iterations; i++) sink = fn(i);
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) sink = fn(i);
    samples.push(Number(process.hrtime.bigint() - start) / iterations);
  }
  samples.sort((a, b) => a - b);
  const nsPerOp = samples[Math.floor(samples.length / 2)] ?? Number.NaN;
  return { name, nsPerOp, opsPerSec: 1e9 / nsPerOp };
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
